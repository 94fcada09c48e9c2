import Glibc

/// How long a connection may stay silent, and how many files the process may hold open.
///
/// A client that opens a connection and sends half a request (or nothing) held it, and its
/// file descriptor, for as long as it liked; enough of them ran the process out of
/// descriptors, and the Swift runtime's dispatch threads trap when they cannot get one. Vapor
/// closes a connection that neither read nor wrote for `idleSeconds`, which is longer than any
/// answer takes to start: every stream writes a keepalive at least every 15 s, a tool call
/// ends within its plan's 30 s wall clock plus the 10 s queue wait, and a draft within its
/// timeout. A slow-drip client is the reverse proxy's to stop (nginx's header and body
/// timeouts, see the self-hosting docs).
enum ConnectionLimits {
    static func idleSeconds(draftTimeout: Double) -> Int {
        max(75, Int(draftTimeout.rounded(.up)) + 15)
    }

    /// Raises the soft limit on open files to the hard limit, as servers do: the default soft
    /// limit of 1,024 is a few hundred concurrent clients. Returns the limit now in force.
    @discardableResult
    static func raiseOpenFileLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
