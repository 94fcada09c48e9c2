import Core
import Fluent
import Foundation

/// Fixed-window rate limits stored in the database, shared by every instance.
/// The rules are Core's `RateLimitPolicy`; this counts hits against them.
struct RateLimiter: Sendable {
    let database: any Database
    let now: Date

    /// Counts one hit on `key`; throws 429 `rate_limited` once the window's limit is passed.
    func hit(_ key: String, _ rule: RateLimitRule) async throws {
        let bucket = try await RateLimitBucket.find(key, on: database)
        let current = bucket.map { RateLimitWindow(start: $0.windowStart, count: $0.count) }
        let (window, outcome) = RateLimitWindow.hit(current, rule: rule, now: now)
        let stored = bucket ?? RateLimitBucket()
        stored.id = key
        stored.windowStart = window.start
        stored.count = window.count
        stored.expiresAt = window.start.addingTimeInterval(rule.window)
        try await stored.save(on: database)
        if case .exceeded(let retryAfter) = outcome {
            throw APIError.rateLimited(retryAfter: retryAfter)
        }
    }
}
