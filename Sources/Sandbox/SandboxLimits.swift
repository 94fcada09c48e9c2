/// What one tool call may use. The defaults are the platform defaults; plans override
/// them per call.
public struct SandboxLimits: Sendable, Hashable, Codable {
    /// CPU time of the JavaScript thread, enforced inside the worker by the engine's
    /// watchdog; the parent kills a worker whose whole process exceeds twice this.
    public var cpuMilliseconds: Int
    /// Wall-clock time from start to result, including waiting for `ctx.fetch`.
    public var wallMilliseconds: Int
    /// Resident memory of the worker process, polled by the parent every 20 ms.
    public var memoryMegabytes: Int
    public var maxFetches: Int
    /// Body size of one `ctx.fetch` response.
    public var maxResponseBytes: Int
    /// Size of the JSON (or string) the tool returns.
    public var maxResultBytes: Int
    public var maxLogLines: Int

    public init(
        cpuMilliseconds: Int = 1000,
        wallMilliseconds: Int = 10_000,
        memoryMegabytes: Int = 128,
        maxFetches: Int = 20,
        maxResponseBytes: Int = 5 * 1024 * 1024,
        maxResultBytes: Int = 1024 * 1024,
        maxLogLines: Int = 100
    ) {
        self.cpuMilliseconds = cpuMilliseconds
        self.wallMilliseconds = wallMilliseconds
        self.memoryMegabytes = memoryMegabytes
        self.maxFetches = maxFetches
        self.maxResponseBytes = maxResponseBytes
        self.maxResultBytes = maxResultBytes
        self.maxLogLines = maxLogLines
    }

    public static let standard = SandboxLimits()
}
