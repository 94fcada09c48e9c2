import Core

/// One tool invocation: the implementation (the body of an async function called as
/// `(args, ctx)`), its validated arguments and the secrets this call may read.
public struct SandboxCall: Sendable {
    public var implementation: String
    public var arguments: JSONValue
    /// Only the secrets of the server being called; the worker holds them for this call only.
    public var secrets: [String: String]
    public var limits: SandboxLimits
    /// The workspace whose server this is: under `.workspace` isolation only that
    /// workspace's workers run it.
    public var workspace: String?
    /// The server being called: waiting calls take turns by workspace, then by server
    /// within a workspace, so one server's flood cannot starve the others.
    public var server: String?
    /// The server version being called, as the caller loaded it (the app adds which load: any change that makes it
    /// load the server again names a new realm, so returning to an earlier version finds none). With warm realms, a worker keeps a ready context for
    /// a workspace's server version (with its secrets and limits, `RealmKey`) and runs that
    /// version's later calls in it; without a version every call gets a fresh context.
    public var version: String?
    /// Receives the tool's `ctx.progress` reports while it runs; nil ignores them.
    public var onProgress: (@Sendable (SandboxProgress) -> Void)?
    /// Called once a worker has taken the call, when its wait in the queue is over (again if the call is retried
    /// on a fresh worker); nil: nobody asks.
    public var onStart: (@Sendable () -> Void)?

    public init(
        implementation: String,
        arguments: JSONValue = .object([:]),
        secrets: [String: String] = [:],
        limits: SandboxLimits = .standard,
        workspace: String? = nil,
        server: String? = nil,
        version: String? = nil
    ) {
        self.implementation = implementation
        self.workspace = workspace
        self.server = server
        self.version = version
        self.arguments = arguments
        self.secrets = secrets
        self.limits = limits
    }
}

public struct SandboxOutcome: Sendable {
    /// The return value (a returned string is `.string`, `undefined` is `.null`) or why
    /// the call failed. Secret values of the call are replaced by `[redacted]`.
    public var result: Result<JSONValue, SandboxFailure>
    /// Lines from `ctx.log` and `console`, capped, with secret values redacted.
    public var logs: [String]
    public var durationMilliseconds: Double
    /// How long the call waited for a worker before `durationMilliseconds` began: in the
    /// queue, or while the pool started one (all attempts, when a worker that died without
    /// effect made the pool run the call again).
    public var queuedMilliseconds: Double = 0
    public var fetchCount: Int
    /// The value is the array of MCP content items (and plain values) the tool built
    /// with `ctx.content.*`, not a value to encode as JSON text.
    public var isContent: Bool
    /// The worker died without the call having any effect outside it (the request never
    /// reached it, or the engine crashed before any `ctx.fetch` or progress report), so
    /// the pool may run it again on a fresh worker.
    var diedWithoutEffect = false

    public init(result: Result<JSONValue, SandboxFailure>, logs: [String] = [], durationMilliseconds: Double = 0, fetchCount: Int = 0,
                isContent: Bool = false) {
        self.result = result
        self.isContent = isContent
        self.logs = logs
        self.durationMilliseconds = durationMilliseconds
        self.fetchCount = fetchCount
    }
}
