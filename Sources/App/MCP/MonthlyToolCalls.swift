import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// The plan's monthly tool calls (`Plan.monthlyToolCalls`), checked on every `tools/call` without touching the
/// call log: each workspace's count this quota period is read from `tool_call_days` plus the calls this instance
/// has not flushed yet, at most every `refreshInterval`, and counted up locally between reads. Other instances'
/// calls show up at the next read, so a workspace on several instances may pass its limit by what they answer in
/// a few seconds; a monthly allowance tolerates that, a database round trip per call would not.
final class MonthlyToolCalls: Sendable {
    private struct Count {
        var period: QuotaPeriod
        var renewedAt: Date?
        /// The period's calls at the last read.
        var known: Int
        /// Admitted here since the last read.
        var local = 0
        var readAt: ContinuousClock.Instant
    }

    private let counts = NIOLockedValueBox<[UUID: Count]>([:])
    let refreshInterval: Duration

    init(refreshInterval: Duration = .seconds(5)) {
        self.refreshInterval = refreshInterval
    }

    /// Counts one call, or the refusal once the period's calls reached the plan's allowance.
    func admit(organization: UUID, plan: Plan, renewedAt: Date?, now: Date, calls: CallRecorder,
               database: any Database) async throws -> PeriodQuotaExceeded? {
        guard plan.monthlyToolCalls != nil else { return nil }
        let interval = refreshInterval
        // One call claims a due re-read (by moving `readAt`); calls meanwhile go on counting from the last one.
        let (cached, claimed) = counts.withLockedValue { counts -> (Count?, Bool) in
            guard var count = counts[organization] else { return (nil, false) }
            guard ContinuousClock.now - count.readAt > interval else { return (count, false) }
            count.readAt = .now
            counts[organization] = count
            return (count, true)
        }
        var period: QuotaPeriod
        if let cached, cached.renewedAt == renewedAt, cached.period.contains(now) {
            period = cached.period
        } else {
            period = QuotaPeriod(renewedAt: renewedAt, now: now)
        }
        if cached == nil || cached!.period != period || claimed {
            let known = try await ToolCallDay.calls(organization: organization, in: period, on: database)
                + calls.pendingCount(organization: organization, from: period.firstDay)
            counts.withLockedValue { $0[organization] = Count(period: period, renewedAt: renewedAt, known: known, readAt: .now) }
        }
        return counts.withLockedValue { counts -> PeriodQuotaExceeded? in
            guard var count = counts[organization] else { return nil }
            period = count.period
            let quota = PeriodQuota(.toolCalls, plan: plan, used: count.known + count.local, period: period, now: now)
            do throws(PeriodQuotaExceeded) {
                try quota.check()
            } catch {
                return error
            }
            count.local += 1
            counts[organization] = count
            return nil
        }
    }

    /// Forgets a workspace's count, so its next call reads it afresh (a plan or period changed here).
    func invalidate(_ organization: UUID) {
        counts.withLockedValue { $0[organization] = nil }
    }
}
