/// A snapshot of the pool, for `/metrics` and tests.
public struct SandboxPoolStatistics: Sendable, Equatable {
    /// The most worker processes the pool runs at once (`Configuration.workers`).
    public var workers: Int
    /// Worker processes running now (started on first use, so at most `workers`).
    public var live: Int
    /// Workers running a call.
    public var busy: Int
    /// Workers ready for the next call.
    public var idle: Int
    /// Calls waiting for a worker.
    public var queued: Int
    /// Calls refused as overloaded since the pool started: past the queue's deadline or
    /// beyond its bound.
    public var overloaded: Int
    /// Calls and compile checks that got a worker since the pool started.
    public var leased: Int
    /// Workers stopped since the pool started, by reason: a limit or failure code
    /// (`cpu_limit`, `wall_clock_limit`, `memory_limit`, `worker_crashed`,
    /// `forbidden_system_call`, `cancelled`), `recycled` (served its quota of calls or
    /// retired itself), `resident_memory` (stayed large after a call) or `workspace_switch`
    /// (made way for another workspace under `.workspace` isolation).
    public var workersKilled: [String: Int]
}
