import Core
import Fluent
import Foundation
import SQLKit

/// Fixed-window rate limits stored in the database, shared by every instance.
/// The rules are Core's `RateLimitPolicy`; this counts hits against them.
struct RateLimiter: Sendable {
    let database: any Database
    let now: Date

    /// Counts one hit on `key`; throws 429 `rate_limited` once the window's limit is passed.
    func hit(_ key: String, _ rule: RateLimitRule) async throws {
        if case .exceeded(let retryAfter) = try await hit([key], rule)[key] {
            throw APIError.rateLimited(retryAfter: retryAfter)
        }
    }

    /// Counts one hit on each of `keys` in one statement and returns what that hit means for each.
    ///
    /// One upsert does what `RateLimitWindow.hit` describes: a hit in an open window adds
    /// one, a hit after the window ended starts a new one. Read-then-write would let
    /// concurrent requests each see the same count and all pass (SECURITY.md 36). Keys are
    /// written in the order given, so callers that always list them in the same order
    /// never wait on each other in a cycle.
    func hit(_ keys: [String], _ rule: RateLimitRule) async throws -> [String: RateLimitWindow.Outcome] {
        guard let sql = database as? any SQLDatabase else { throw RateLimiterError.needsSQL }
        let cutoff = now.addingTimeInterval(-rule.window)
        let rows: [SQLQueryString] = keys.map { "(\(bind: $0), \(bind: now), 1, \(bind: now.addingTimeInterval(rule.window)))" }
        let found = try await sql.raw("""
            INSERT INTO rate_limit_buckets (key, window_start, count, expires_at)
            VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN rate_limit_buckets.window_start > \(bind: cutoff) THEN rate_limit_buckets.count + 1 ELSE 1 END,
                window_start = CASE WHEN rate_limit_buckets.window_start > \(bind: cutoff)
                    THEN rate_limit_buckets.window_start ELSE excluded.window_start END,
                expires_at = CASE WHEN rate_limit_buckets.window_start > \(bind: cutoff)
                    THEN rate_limit_buckets.expires_at ELSE excluded.expires_at END
            RETURNING key, window_start, count
            """).all()
        guard found.count == keys.count else { throw RateLimiterError.noRow }
        var outcomes: [String: RateLimitWindow.Outcome] = [:]
        for row in found {
            let window = RateLimitWindow(start: try row.decode(column: "window_start", as: Date.self),
                                         count: try row.decode(column: "count", as: Int.self))
            outcomes[try row.decode(column: "key", as: String.self)] = window.outcome(rule: rule, now: now)
        }
        return outcomes
    }
}

enum RateLimiterError: Error {
    /// Both supported databases speak SQL; anything else is a configuration mistake.
    case needsSQL
    /// The upsert returned fewer rows than keys, which neither database does.
    case noRow
}
