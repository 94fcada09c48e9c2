/// Which of the operating system's walls the workers have on this machine, decided once
/// when the pool starts: logged at start-up and shown to administrators on `/status`.
public struct ContainmentReport: Sendable, Hashable {
    public struct Mechanism: Sendable, Hashable {
        public let name: String
        public let isActive: Bool
        public let detail: String
    }

    public let mechanisms: [Mechanism]
    public let isolation: SandboxIsolation

    /// One line per missing wall, for the start-up log.
    public var warnings: [String] {
        mechanisms.filter { !$0.isActive && $0.name != "one workspace per worker" }.map { "sandbox: \($0.name) is NOT active: \($0.detail)" }
    }
}
