import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Tool calls counted per key in one-minute windows aligned to the clock, in memory, and
/// shared through the database: a call is admitted or refused here under a lock, and every
/// `interval` the calls admitted since the last exchange go to `rate_limit_buckets` in one
/// upsert that returns every instance's totals for every key of the current window. A key seen for the first time in a window is
/// exchanged at once, so an instance starts from the others' count. One instance is exact;
/// several see each other's later calls within `interval`, and may together admit what they
/// admitted in that time beyond a limit. A database write per call instead cost more than
/// the 5 % of the add tool's throughput the limiter may take (Benchmarks/mcp-ratelimit).
final class ToolCallCounter: Sendable {
    private struct Bucket {
        var window: Int
        var length: TimeInterval
        /// Every instance's count at the last exchange, this one's included.
        var known = 0
        /// Admitted here since the last exchange.
        var pending = 0
    }

    enum Admission: Equatable {
        case admitted
        /// A key over its limit, and the seconds until its window ends.
        case refused(key: String, retryAfterSeconds: Int)
    }

    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])
    let interval: Duration

    init(interval: Duration = .milliseconds(250)) {
        self.interval = interval
    }

    /// Admits one call when every key is under `rule`, and then counts it on each.
    func admit(_ keys: [String], _ rule: RateLimitRule, now: Date, database: any Database) async throws -> Admission {
        let window = Int((now.timeIntervalSince1970 / rule.window).rounded(.down))
        let unknown = buckets.withLockedValue { buckets in keys.filter { buckets[$0]?.window != window } }
        if !unknown.isEmpty {
            try await exchange(Dictionary(uniqueKeysWithValues: unknown.map { ($0, 0) }), window: window, length: rule.window, on: database)
        }
        let end = Double(window + 1) * rule.window
        return buckets.withLockedValue { buckets in
            for key in keys {
                let bucket = buckets[key].flatMap { $0.window == window ? $0 : nil } ?? Bucket(window: window, length: rule.window)
                buckets[key] = bucket
                if bucket.known + bucket.pending >= rule.limit {
                    return .refused(key: key, retryAfterSeconds: max(1, Int((end - now.timeIntervalSince1970).rounded(.up))))
                }
            }
            for key in keys { buckets[key]!.pending += 1 }
            return .admitted
        }
    }

    /// Sends what was admitted since the last exchange and learns the other instances' counts.
    func exchange(on database: any Database, now: Date) async throws {
        let batch = buckets.withLockedValue { buckets -> [String: Bucket] in
            // Windows that ended with nothing left to send are forgotten.
            buckets = buckets.filter { Double($0.value.window + 1) * $0.value.length > now.timeIntervalSince1970 || $0.value.pending > 0 }
            return buckets
        }
        for (window, entries) in Dictionary(grouping: batch, by: { $0.value.window }) {
            let sent = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value.pending) })
            try await exchange(sent, window: window, length: entries[0].value.length, on: database)
        }
    }

    /// Adds `sent` to the window's rows and takes their totals as the known counts.
    private func exchange(_ sent: [String: Int], window: Int, length: TimeInterval, on database: any Database) async throws {
        let start = Date(timeIntervalSince1970: Double(window) * length)
        let totals = try await RateLimiter(database: database, now: start).add(sent, window: length)
        buckets.withLockedValue { buckets in
            for (key, count) in sent {
                guard let total = totals[key] else { continue }
                var bucket = buckets[key].flatMap { $0.window == window ? $0 : nil } ?? Bucket(window: window, length: length)
                bucket.known = total.count
                bucket.pending -= count
                buckets[key] = bucket
            }
        }
    }

    /// Exchanges every `interval` until cancelled, then once more.
    func run(on app: Application) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do { try await exchange(on: app.db, now: app.clock.now()) } catch { app.logger.report(error: error) }
        }
        try? await exchange(on: app.db, now: app.clock.now())
    }
}
