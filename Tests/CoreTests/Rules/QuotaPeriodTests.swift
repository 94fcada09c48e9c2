import Core
import Foundation
import Testing

@Suite("Quota periods and the monthly quotas")
struct QuotaPeriodTests {
    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text)!
    }

    @Test("without a renewal the period is the UTC calendar month")
    func calendarMonth() {
        // given
        let now = Self.utc("2026-12-03T01:00:00Z")
        // when
        let period = QuotaPeriod(renewedAt: nil, now: now)
        // then
        #expect(period.start == Self.utc("2026-12-01T00:00:00Z"))
        #expect(period.end == Self.utc("2027-01-01T00:00:00Z"))
        #expect(period.firstDay == "2026-12-01")
        #expect(period.lastDay == "2026-12-31")
    }

    @Test("a day is named by its UTC date, the same as the Gregorian calendar's, across leap years and centuries")
    func dayNames() {
        #expect(QuotaPeriod.dayString(Self.utc("2026-12-03T23:59:59Z")) == "2026-12-03")
        #expect(QuotaPeriod.dayString(Self.utc("2024-02-29T00:00:00Z")) == "2024-02-29")
        #expect(QuotaPeriod.dayString(Date(timeIntervalSince1970: -1)) == "1969-12-31")
        // every 13 hours and a bit from 1899 to 2101, against Foundation's calendar
        var date = Self.utc("1899-12-31T12:00:00Z")
        let end = Self.utc("2101-01-01T00:00:00Z")
        while date < end {
            let parts = QuotaPeriod.calendar.dateComponents([.year, .month, .day], from: date)
            let expected = "\(parts.year!)-" + (parts.month! < 10 ? "0" : "") + "\(parts.month!)-" + (parts.day! < 10 ? "0" : "") + "\(parts.day!)"
            guard QuotaPeriod.dayString(date) == expected else {
                Issue.record("\(date): \(QuotaPeriod.dayString(date)) instead of \(expected)")
                return
            }
            date.addTimeInterval(13 * 3_600 + 1_234.5)
        }
    }

    @Test("a recent paid renewal starts the period, which lasts a month")
    func renewal() {
        // given
        let renewed = Self.utc("2026-11-15T10:30:00Z")
        // when
        let period = QuotaPeriod(renewedAt: renewed, now: Self.utc("2026-12-03T01:00:00Z"))
        // then
        #expect(period.start == renewed)
        #expect(period.end == Self.utc("2026-12-15T10:30:00Z"))
        #expect(period.firstDay == "2026-11-15")
        #expect(QuotaPeriod.shortDate(period.start) == "15 Nov")
    }

    @Test("a late renewal keeps the period open up to 35 days, then the calendar month applies")
    func lateRenewal() {
        // given
        let renewed = Self.utc("2026-11-01T12:00:00Z")
        // when
        let late = QuotaPeriod(renewedAt: renewed, now: Self.utc("2026-12-03T01:00:00Z"))
        let lapsed = QuotaPeriod(renewedAt: renewed, now: Self.utc("2026-12-07T01:00:00Z"))
        // then
        #expect(late.start == renewed)
        #expect(late.end == renewed.addingTimeInterval(QuotaPeriod.renewalLifetime))
        #expect(lapsed.start == Self.utc("2026-12-01T00:00:00Z"))
    }

    @Test("a renewal dated in the future is not trusted")
    func futureRenewal() {
        // given
        let now = Self.utc("2026-12-03T01:00:00Z")
        // when
        let period = QuotaPeriod(renewedAt: now.addingTimeInterval(3600), now: now)
        // then
        #expect(period.start == Self.utc("2026-12-01T00:00:00Z"))
    }

    @Test("tool calls: refused at the plan's allowance with the wait until the period ends; no limit on Enterprise")
    func toolCalls() {
        // given
        let now = Self.utc("2026-12-31T23:00:00Z")
        let period = QuotaPeriod(renewedAt: nil, now: now)
        let limit = PlanTable.hobby.monthlyToolCalls!
        // when
        let under = PeriodQuota(.toolCalls, plan: PlanTable.hobby, used: limit - 1, period: period, now: now)
        let at = PeriodQuota(.toolCalls, plan: PlanTable.hobby, used: limit, period: period, now: now)
        let enterprise = PeriodQuota(.toolCalls, plan: PlanTable.enterprise, used: 50_000_000, period: period, now: now)
        // then
        #expect(throws: Never.self) { try under.check() }
        #expect(throws: Never.self) { try enterprise.check() }
        let error = #expect(throws: PeriodQuotaExceeded.self) { try at.check() }
        #expect(error?.code == "quota_exceeded")
        #expect(error?.kind == .exhausted(retryAfterSeconds: 3600))
        #expect(error?.message.contains("all 10,000 tool calls the Hobby plan includes per month") == true)
        #expect(error?.message.contains("resets on 1 Jan") == true)
    }

    @Test("template publishes count against the plan's monthly allowance")
    func publishes() {
        // given
        let now = Self.utc("2026-12-03T01:00:00Z")
        let quota = PeriodQuota(.templatePublishes, plan: PlanTable.pro, used: 20, period: QuotaPeriod(renewedAt: nil, now: now), now: now)
        // when
        let error = #expect(throws: PeriodQuotaExceeded.self) { try quota.check() }
        // then
        #expect(error?.message.contains("all 20 template publishes the Pro plan includes") == true)
    }

    @Test("billing suspension refuses creation with 402 billing_suspended, and nothing once cleared")
    func suspension() {
        // given
        let suspended = BillingSuspension(suspendedAt: Self.utc("2026-12-01T00:00:00Z"))
        let cleared = BillingSuspension(suspendedAt: nil)
        // when
        let error = #expect(throws: BillingSuspended.self) { try suspended.checkCreation() }
        // then
        #expect(error?.kind == .planLimit)
        #expect(error?.code == "billing_suspended")
        #expect(error?.message.contains("running servers keep answering") == true)
        #expect(throws: Never.self) { try cleared.checkCreation() }
    }
}
