/// What the operator chooses about the operating system's walls around the workers;
/// what this machine actually allows is in `SandboxPool.containment`.
public struct SandboxContainment: Sendable {
    /// The account the workers switch to when the app runs as root (`BMM_SANDBOX_USER`).
    /// Unset, it is `bmm-sandbox` (which `scripts/run` and `scripts/test` create), else
    /// `nobody`, with a warning.
    public var user: String?
    /// JavaScriptCore's JIT compilers (`BMM_SANDBOX_JIT=1`): faster tools, a larger
    /// attack surface; off by default.
    public var jit: Bool
    /// Gives every context `__bmmTestHooks`, which can make forbidden system calls. Only
    /// SandboxTests set it: it is internal, and no configuration reaches it.
    var testHooks = false

    public init(user: String? = nil, jit: Bool = false) {
        self.user = user
        self.jit = jit
    }

    public static let defaultUser = "bmm-sandbox"
}

/// Which calls may share a worker process.
public enum SandboxIsolation: String, Sendable {
    /// Any call may use any worker: the fewest processes (each call still gets a fresh
    /// JavaScript context and only its own secrets).
    case shared
    /// `BMM_SANDBOX_ISOLATION=workspace`: a worker serves one workspace until it is
    /// recycled, so an engine escape reaches only the attacker's own workspace's calls;
    /// switching a worker to another workspace costs a process start (tens of ms).
    case workspace
}
