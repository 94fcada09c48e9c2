import Core
import Vapor

/// Counts every request to the routes it guards per client address (its /64 for
/// IPv6): endpoints anyone can call without signing in, that do work or send
/// something, must not be free to hammer (SECURITY.md 43).
struct PerClientRateLimit: AsyncMiddleware {
    /// Names the bucket: each guarded endpoint counts on its own.
    let name: String
    let rule: KeyPath<RateLimitPolicy, RateLimitRule>

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let policy = request.application.config.rateLimits
        try await RateLimiter(database: request.db, now: request.application.clock.now())
            .hit("\(name):" + request.client.rateLimitKey, policy[keyPath: rule])
        return try await next.respond(to: request)
    }
}
