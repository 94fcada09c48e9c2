import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Tool calls counted per key in one-minute windows aligned to the clock, in memory, and
/// shared through the database: a call is admitted or refused here under a lock, and every
/// `interval` the keys used since the last exchange send what they admitted to
/// `rate_limit_buckets` in one upsert that returns every instance's totals. A key seen for the
/// first time in a window, or not exchanged for two intervals, is exchanged before its call,
/// so an instance starts from the others' count. One instance is exact; several see each
/// other's calls within `interval`, and may together admit what they admitted in that time
/// beyond a limit. A database write per call instead cost about a quarter of the add tool's
/// calls/s on SQLite (Benchmarks/mcp-ratelimit).
final class ToolCallCounter: Sendable {
    private struct Bucket {
        var window: Int
        var length: TimeInterval
        /// Every instance's count at the last exchange, this one's included.
        var known = 0
        /// Admitted here since the last exchange.
        var pending = 0
        /// Asked for since the last exchange.
        var used = false
        var exchangedAt: Date
    }

    enum Admission: Equatable {
        case admitted
        /// A key over its limit, and the seconds until its window ends.
        case refused(key: String, retryAfterSeconds: Int)
    }

    private let buckets = NIOLockedValueBox<[String: Bucket]>([:])
    let interval: Duration
    /// Keys per statement: far below either database's limit on bound values.
    let batchSize = 500

    init(interval: Duration = .milliseconds(250)) {
        self.interval = interval
    }

    private var staleAfter: TimeInterval {
        2 * (Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
    }

    /// Admits one call when every key is under `rule`, and then counts it on each.
    func admit(_ keys: [String], _ rule: RateLimitRule, now: Date, database: any Database) async throws -> Admission {
        let window = Int((now.timeIntervalSince1970 / rule.window).rounded(.down))
        let stale = buckets.withLockedValue { buckets in
            keys.filter { key in
                guard let bucket = buckets[key], bucket.window == window else { return true }
                return now.timeIntervalSince(bucket.exchangedAt) > staleAfter
            }
        }
        if !stale.isEmpty {
            try await exchange(Dictionary(uniqueKeysWithValues: stale.map { ($0, 0) }), window: window, length: rule.window, now: now, on: database)
        }
        let end = Double(window + 1) * rule.window
        return buckets.withLockedValue { buckets in
            for key in keys {
                var bucket = buckets[key].flatMap { $0.window == window ? $0 : nil } ?? Bucket(window: window, length: rule.window, exchangedAt: now)
                bucket.used = true
                buckets[key] = bucket
                if bucket.known + bucket.pending >= rule.limit {
                    return .refused(key: key, retryAfterSeconds: max(1, Int((end - now.timeIntervalSince1970).rounded(.up))))
                }
            }
            for key in keys { buckets[key]!.pending += 1 }
            return .admitted
        }
    }

    /// Sends what the keys used since the last exchange admitted, and learns their totals.
    func exchange(on database: any Database, now: Date) async throws {
        let used = buckets.withLockedValue { buckets -> [String: Bucket] in
            // Windows that ended with nothing left to send are forgotten.
            buckets = buckets.filter { Double($0.value.window + 1) * $0.value.length > now.timeIntervalSince1970 || $0.value.pending > 0 }
            let used = buckets.filter { $0.value.used }
            for key in used.keys { buckets[key]!.used = false }
            return used
        }
        for (window, entries) in Dictionary(grouping: used, by: { $0.value.window }) {
            for start in stride(from: 0, to: entries.count, by: batchSize) {
                let batch = entries[start..<min(start + batchSize, entries.count)]
                let sent = Dictionary(uniqueKeysWithValues: batch.map { ($0.key, $0.value.pending) })
                try await exchange(sent, window: window, length: entries[0].value.length, now: now, on: database)
            }
        }
    }

    /// Adds `sent` to the window's rows and takes their totals as the known counts.
    ///
    /// Each window has a row of its own: calls another instance admitted at the end of a minute and sends once the
    /// next has begun still count in the minute they were made, not in the next one another instance opened.
    private func exchange(_ sent: [String: Int], window: Int, length: TimeInterval, now: Date, on database: any Database) async throws {
        let start = Date(timeIntervalSince1970: Double(window) * length)
        let rows = Dictionary(uniqueKeysWithValues: sent.map { (Self.row($0.key, window: window), $0.value) })
        let totals = try await RateLimiter(database: database, now: start).add(rows, window: length)
        buckets.withLockedValue { buckets in
            for (key, count) in sent {
                guard let total = totals[Self.row(key, window: window)] else { continue }
                // This instance has moved on to a later window: the finished one's count no longer limits anything,
                // and its bucket must not replace the current one (and its calls not yet sent).
                if let current = buckets[key], current.window > window { continue }
                var bucket = buckets[key].flatMap { $0.window == window ? $0 : nil } ?? Bucket(window: window, length: length, exchangedAt: now)
                // Exchanges run concurrently (the timer's, and a first call's) and may finish out of
                // order: a total read before another exchange added its calls must not replace the
                // larger one that exchange brought back, or those calls are forgotten. Within a
                // window the database's count only grows.
                bucket.known = max(bucket.known, total.count)
                bucket.pending -= count
                bucket.exchangedAt = now
                buckets[key] = bucket
            }
        }
    }

    /// The database row of `key`'s count in `window`.
    static func row(_ key: String, window: Int) -> String {
        key + "@" + String(window)
    }

    /// Exchanges every `interval` until cancelled, then once more.
    func run(on app: Application) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            do { try await exchange(on: app.db, now: app.clock.now()) } catch { app.logger.reportSafely(error) }
        }
        try? await exchange(on: app.db, now: app.clock.now())
    }
}
