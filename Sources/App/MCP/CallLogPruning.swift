import Fluent
import Foundation
import SQLKit
import Vapor

/// Keeps the call log to its retention (`BMM_CALL_LOG_DAYS`): `tool_calls` rows older than that
/// go, in batches of `batchSize`, each its own short statement with a pause after it, so the
/// SQLite writer the call recorder needs is never held for long. The daily totals
/// (`tool_call_days`) stay, and every chart, usage figure and quota reads those. Several
/// instances pruning at once on PostgreSQL only race for the same rows: a batch another one
/// deleted first deletes fewer here, nothing fails.
struct CallLogPruning: Sendable {
    let database: any Database
    var batchSize = 1_000
    var pause: Duration = .milliseconds(20)

    /// Deletes calls made before `cutoff`; returns how many.
    @discardableResult
    func prune(before cutoff: Date) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return 0 }
        var total = 0
        while !Task.isCancelled {
            let deleted = try await sql.raw("""
                DELETE FROM tool_calls WHERE id IN (
                    SELECT id FROM tool_calls WHERE at < \(bind: cutoff) ORDER BY at LIMIT \(unsafeRaw: String(batchSize)))
                RETURNING id
                """).all().count
            total += deleted
            guard deleted == batchSize else { break }
            try await Task.sleep(for: pause)
        }
        return total
    }

    static func cutoff(now: Date, days: Int) -> Date {
        now.addingTimeInterval(-Double(days) * 86_400)
    }
}

extension Application {
    /// Prunes the call log now and then every `interval` until shutdown (`serve` only).
    func startCallLogPruning(every interval: Duration = .seconds(3600)) {
        runInBackground { [self] in
            while !Task.isCancelled {
                do {
                    let deleted = try await CallLogPruning(database: db).prune(before: CallLogPruning.cutoff(now: clock.now(), days: config.callLogDays))
                    if deleted > 0 { logger.info("call log: deleted \(deleted) calls older than \(config.callLogDays) days") }
                    // The same hourly round ends 2025-era MCP sessions nobody used for a day.
                    let sessions = try await MCPSessionEndpoint.pruneIdle(now: clock.now(), on: db)
                    if sessions > 0 { logger.info("mcp: ended \(sessions) sessions idle for a day") }
                    // And rate-limit windows that ended, which would otherwise stay for every key ever counted.
                    try await RateLimiter.pruneEnded(now: clock.now(), on: db)
                    // And what ended elsewhere: sign-in codes, sessions, drafts, OAuth codes, tokens and registrations.
                    let ended = try await ExpiredRowPruning(database: db).prune(now: clock.now())
                    if ended.total > 0 {
                        logger.info("retention: deleted \(ended.challenges) sign-in codes, \(ended.sessions) sessions, \(ended.drafts) drafts, \(ended.codes) OAuth codes, \(ended.tokens) OAuth tokens, \(ended.grants) OAuth grants, \(ended.clients) OAuth registrations that had ended")
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.reportSafely(error)
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
