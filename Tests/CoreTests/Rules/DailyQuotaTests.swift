import Core
import Foundation
import Testing

@Suite("Daily quotas and the server limit")
struct DailyQuotaTests {
    /// 2026-11-25 22:30:00 UTC: 90 minutes before the reset.
    static let lateEvening = Date(timeIntervalSince1970: 1_764_109_800)

    static let hobby = PlanTable.hobby
    static let remainingCases: [(DailyQuota.Resource, Int, Int)] = [
        (.drafts, 0, hobby.dailyDrafts),
        (.drafts, hobby.dailyDrafts - 1, 1),
        (.drafts, hobby.dailyDrafts + 3, 0),
        (.builds, 0, hobby.dailyBuilds),
        (.builds, hobby.dailyBuilds, 0),
    ]

    @Test("what is left today, per resource", arguments: remainingCases)
    func remaining(resource: DailyQuota.Resource, used: Int, left: Int) throws {
        // given
        let quota = DailyQuota(resource, plan: PlanTable.hobby, usedToday: used, now: Self.lateEvening)
        // then
        #expect(quota.remaining == left)
        if left > 0 { try quota.check() } else { #expect(throws: QuotaExceeded.self) { try quota.check() } }
    }

    @Test("a used-up quota says when it resets and how long to wait", arguments: DailyQuota.Resource.allCases)
    func exceeded(resource: DailyQuota.Resource) {
        // given
        let quota = DailyQuota(resource, plan: PlanTable.pro, usedToday: 10_000, now: Self.lateEvening)
        // when
        let error = #expect(throws: QuotaExceeded.self) { try quota.check() }
        // then
        #expect(error?.code == "quota_exceeded")
        #expect(error?.kind == .exhausted(retryAfterSeconds: 5400))
        #expect(error?.message.contains("all \(quota.limit) \(resource.rawValue) for today on the Pro plan") == true)
        #expect(error?.message.hasSuffix("resets at 00:00 UTC (in 1 h 30 min).") == true)
        #expect(quota.resetsAt == Date(timeIntervalSince1970: 1_764_115_200))
    }

    static let serverCases: [(Plan, Int, Bool)] = [
        (PlanTable.hobby, PlanTable.hobby.maxServers! - 1, true),
        (PlanTable.hobby, PlanTable.hobby.maxServers!, false),
        (PlanTable.pro, PlanTable.pro.maxServers!, false),
        (PlanTable.enterprise, 10_000, true),
    ]

    @Test("the plan's servers, then 402 plan_limit; enterprise has no limit", arguments: serverCases)
    func serverLimit(plan: Plan, existing: Int, allowed: Bool) {
        // given
        let limit = ServerLimit(plan: plan, existing: existing)
        // when / then
        if allowed {
            #expect(throws: Never.self) { try limit.checkOneMore() }
        } else {
            let error = #expect(throws: ServerLimitReached.self) { try limit.checkOneMore() }
            #expect(error?.kind == .planLimit)
            #expect(error?.code == "plan_limit")
            #expect(error?.message.contains("The \(plan.name) plan includes \(plan.maxServers!) hosted servers") == true)
            #expect(error?.message.contains("upgrade") == true)
            #expect(error?.message.contains("this workspace has \(existing)") == true)
        }
    }

    @Test("after a downgrade the message says how many servers must go, not one")
    func serverLimitAfterDowngrade() {
        let atLimit = #expect(throws: ServerLimitReached.self) { try ServerLimit(plan: PlanTable.hobby, existing: 2).checkOneMore() }
        #expect(atLimit?.message.contains("Delete one to make room") == true)
        let over = #expect(throws: ServerLimitReached.self) { try ServerLimit(plan: PlanTable.hobby, existing: 4).checkOneMore() }
        #expect(over?.message.contains("Delete 3 to make room") == true, "\(over?.message ?? "")")
    }
}
