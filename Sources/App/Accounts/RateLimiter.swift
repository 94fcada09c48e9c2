import Core
import Fluent
import Foundation
import SQLKit

/// Fixed-window rate limits stored in the database, shared by every instance.
/// The rules are Core's `RateLimitPolicy`; this counts hits against them.
struct RateLimiter: Sendable {
    let database: any Database
    let now: Date

    /// Counts one hit on `key`; throws 429 `rate_limited` once the window's limit is passed, with `reason` (a
    /// sentence before "Try again in …") when the limit is not the caller's own doing.
    func hit(_ key: String, _ rule: RateLimitRule, reason: String? = nil) async throws {
        do {
            try await count(key, rule, adding: 1)
        } catch let limited as APIError where reason != nil {
            let wait = Int(limited.headers.first(name: "Retry-After") ?? "") ?? Int(rule.window)
            throw APIError(.tooManyRequests, "rate_limited", "\(reason!) Try again in \(APIError.waitPhrase(seconds: wait)).",
                           headers: ["Retry-After": String(wait)])
        }
    }

    /// Throws 429 `rate_limited` when `key`'s window is already past the limit, without counting
    /// a hit: for limits that count only failures (`hit` after each one).
    func check(_ key: String, _ rule: RateLimitRule) async throws {
        try await count(key, rule, adding: 0)
    }

    private func count(_ key: String, _ rule: RateLimitRule, adding amount: Int) async throws {
        guard let window = try await add([key: amount], window: rule.window)[key] else { throw RateLimiterError.noRow }
        if case .exceeded(let retryAfter) = window.outcome(rule: rule, now: now) {
            throw APIError.rateLimited(retryAfter: retryAfter)
        }
    }

    /// Takes one hit back from each key's window: for an attempt that never happened on the caller's side (the
    /// provider could not send the message it counted).
    func giveBack(_ keys: [String]) async throws {
        guard let sql = database as? any SQLDatabase, !keys.isEmpty else { return }
        try await sql.raw("""
            UPDATE rate_limit_buckets SET count = count - 1
            WHERE key IN (\(keys.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", "))) AND count > 0
            """).run()
    }

    /// Deletes windows that ended before `now`: keys come and go (addresses, tokens, `FormOnce` values), and a window
    /// that ended counts nothing, since the next hit on its key starts a new one. Returns how many went.
    @discardableResult
    static func pruneEnded(now: Date, on database: any Database) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return 0 }
        return try await sql.raw("DELETE FROM rate_limit_buckets WHERE expires_at < \(bind: now) RETURNING key").all().count
    }

    /// Adds `amounts` to each key's window of `length` seconds in one statement; returns each window after.
    ///
    /// One upsert does what `RateLimitWindow.hit` describes: hits in an open window add up,
    /// hits after the window ended start a new one. Read-then-write would let concurrent
    /// requests each see the same count and all pass (SECURITY.md 36). Rows are written in
    /// key order, so two statements never wait on each other's rows in a cycle.
    func add(_ amounts: [String: Int], window length: TimeInterval) async throws -> [String: RateLimitWindow] {
        guard let sql = database as? any SQLDatabase else { throw RateLimiterError.needsSQL }
        guard !amounts.isEmpty else { return [:] }
        let cutoff = now.addingTimeInterval(-length)
        let rows: [SQLQueryString] = amounts.keys.sorted().map {
            "(\(bind: $0), \(bind: now), \(bind: amounts[$0]!), \(bind: now.addingTimeInterval(length)))"
        }
        let found = try await sql.raw("""
            INSERT INTO rate_limit_buckets (key, window_start, count, expires_at)
            VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN rate_limit_buckets.window_start > \(bind: cutoff)
                    THEN rate_limit_buckets.count + excluded.count ELSE excluded.count END,
                window_start = CASE WHEN rate_limit_buckets.window_start > \(bind: cutoff)
                    THEN rate_limit_buckets.window_start ELSE excluded.window_start END,
                expires_at = CASE WHEN rate_limit_buckets.window_start > \(bind: cutoff)
                    THEN rate_limit_buckets.expires_at ELSE excluded.expires_at END
            RETURNING key, window_start, count
            """).all()
        guard found.count == amounts.count else { throw RateLimiterError.noRow }
        var windows: [String: RateLimitWindow] = [:]
        for row in found {
            windows[try row.decode(column: "key", as: String.self)] = RateLimitWindow(
                start: try row.decode(column: "window_start", as: Date.self), count: try row.decode(column: "count", as: Int.self))
        }
        return windows
    }
}

enum RateLimiterError: Error {
    /// Both supported databases speak SQL; anything else is a configuration mistake.
    case needsSQL
    /// The upsert returned fewer rows than keys, which neither database does.
    case noRow
}
