import Fluent
import Foundation

/// Fixed-window rate limits stored in the database, shared by every instance.
struct RateLimiter: Sendable {
    struct Rule: Sendable {
        let limit: Int
        let window: TimeInterval
    }

    struct Exceeded: Error {
        let retryAfter: Int
    }

    static let sendPerTarget = Rule(limit: 3, window: 600)
    /// Sign-in messages per address per 10 minutes; `BMM_SIGNIN_SENDS_PER_IP`
    /// raises it where many people share one address (offices behind NAT, test runs).
    static let sendPerIP = Rule(limit: configuredLimit("BMM_SIGNIN_SENDS_PER_IP") ?? 20, window: 600)
    static let verifyPerIP = Rule(limit: 30, window: 600)

    private static func configuredLimit(_ key: String) -> Int? {
        ProcessInfo.processInfo.environment[key].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
    }

    let database: any Database
    let now: Date

    /// Counts one hit on `key`; throws `Exceeded` once the window's limit is passed.
    func hit(_ key: String, _ rule: Rule) async throws {
        let bucket = try await RateLimitBucket.find(key, on: database)
        if let bucket, bucket.windowStart.addingTimeInterval(rule.window) > now {
            bucket.count += 1
            try await bucket.save(on: database)
            if bucket.count > rule.limit {
                throw Exceeded(retryAfter: max(1, Int(bucket.windowStart.addingTimeInterval(rule.window).timeIntervalSince(now).rounded(.up))))
            }
            return
        }
        let fresh = bucket ?? RateLimitBucket()
        fresh.id = key
        fresh.windowStart = now
        fresh.count = 1
        fresh.expiresAt = now.addingTimeInterval(rule.window)
        try await fresh.save(on: database)
    }
}
