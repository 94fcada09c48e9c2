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
        /// The period's calls at the last read, with every call admitted here before it that was not yet written.
        var known: Int
        /// `admitted` when the last read began: the calls admitted since are `admitted - readFrom`.
        var readFrom = 0
        var readAt: ContinuousClock.Instant
    }

    /// Admissions of one workspace on this instance, kept across reads.
    private struct Admissions {
        var admitted = 0
        /// When each admitted call that has not been handed to the call log yet began (oldest first).
        var running: [ContinuousClock.Instant] = []
    }

    private let counts = NIOLockedValueBox<[UUID: Count]>([:])
    private let admissions = NIOLockedValueBox<[UUID: Admissions]>([:])
    let refreshInterval: Duration
    /// Longer than any call can run (the longest plan's wall time and the wait for a worker): an admission not
    /// handed over by then (a request that ended between the check and the call) stops counting as running.
    let maxRunning: Duration

    init(refreshInterval: Duration = .seconds(5), maxRunning: Duration = .seconds(120)) {
        self.refreshInterval = refreshInterval
        self.maxRunning = maxRunning
    }

    /// Counts one call, or the refusal once the period's calls reached the plan's allowance.
    ///
    /// A re-read must not forget the calls admitted before it that the database does not hold yet: those still
    /// running, and those waiting in, or being written by, the call log. Each admitted call is in one of those
    /// states or written, and only moves forward, so the running ones are counted first, then the call log's
    /// unwritten ones, then the database: a call moving on meanwhile is counted twice for a few seconds (a
    /// refusal a call too early at worst), never missed (calls past the limit once slow calls overlapped a re-read).
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
            let (running, readFrom) = runningNow(organization)
            let unwritten = calls.pendingCount(organization: organization, from: period.firstDay)
            let known = try await ToolCallDay.calls(organization: organization, in: period, on: database) + unwritten + running
            counts.withLockedValue {
                $0[organization] = Count(period: period, renewedAt: renewedAt, known: known, readFrom: readFrom, readAt: .now)
            }
        }
        return counts.withLockedValue { counts -> PeriodQuotaExceeded? in
            guard let count = counts[organization] else { return nil }
            period = count.period
            // Checked and counted under the one lock, so concurrent calls cannot each take the last one.
            return admissions.withLockedValue { admissions -> PeriodQuotaExceeded? in
                var mine = admissions[organization] ?? Admissions()
                let used = count.known + mine.admitted - count.readFrom
                let quota = PeriodQuota(.toolCalls, plan: plan, used: used, period: period, now: now)
                do throws(PeriodQuotaExceeded) {
                    try quota.check()
                } catch {
                    return error
                }
                mine.admitted += 1
                mine.running.append(.now)
                admissions[organization] = mine
                return nil
            }
        }
    }

    /// An admitted call of the workspace was handed to the call log (`CallRecorder.add`), where a read finds it, or
    /// ended without running (no call to count).
    func settled(organization: UUID) {
        admissions.withLockedValue { admissions in
            guard admissions[organization]?.running.isEmpty == false else { return }
            admissions[organization]!.running.removeFirst()
        }
    }

    /// The workspace's admitted calls still running (dropping any older than `maxRunning`), and how many were
    /// admitted so far.
    private func runningNow(_ organization: UUID) -> (running: Int, admitted: Int) {
        let cutoff = ContinuousClock.now - maxRunning
        return admissions.withLockedValue { admissions in
            guard var mine = admissions[organization] else { return (0, 0) }
            mine.running.removeAll { $0 < cutoff }
            admissions[organization] = mine
            return (mine.running.count, mine.admitted)
        }
    }

    /// Forgets a workspace's count, so its next call reads it afresh (a plan or period changed here).
    func invalidate(_ organization: UUID) {
        counts.withLockedValue { $0[organization] = nil }
    }
}
