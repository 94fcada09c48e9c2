/// One `ctx.progress(done, total, message)` report of a running tool.
public struct SandboxProgress: Sendable, Equatable {
    public var progress: Double
    public var total: Double?
    /// At most 500 characters; secret values of the call are replaced by `[redacted]`.
    public var message: String?

    public init(progress: Double, total: Double? = nil, message: String? = nil) {
        self.progress = progress
        self.total = total
        self.message = message
    }
}
