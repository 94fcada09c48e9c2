import Foundation

/// A plan's allowance per quota period (tool calls, template publishes) against what the workspace used in it.
public struct PeriodQuota: Sendable, Equatable {
    public enum Resource: String, Sendable, CaseIterable {
        case toolCalls = "tool calls"
        case templatePublishes = "template publishes"
    }

    public let resource: Resource
    public let plan: Plan
    public let used: Int
    public let period: QuotaPeriod
    public let now: Date

    public init(_ resource: Resource, plan: Plan, used: Int, period: QuotaPeriod, now: Date) {
        self.resource = resource
        self.plan = plan
        self.used = used
        self.period = period
        self.now = now
    }

    /// `nil` means no limit on this plan.
    public var limit: Int? {
        switch resource {
        case .toolCalls: plan.monthlyToolCalls
        case .templatePublishes: plan.monthlyTemplatePublishes
        }
    }

    /// Throws once the period's allowance is used.
    public func check() throws(PeriodQuotaExceeded) {
        guard let limit, used >= limit else { return }
        throw PeriodQuotaExceeded(resource: resource, plan: plan, limit: limit, period: period, now: now)
    }
}

/// 429 `quota_exceeded` until the period ends (`Retry-After`), naming the plan and its allowance.
public struct PeriodQuotaExceeded: RuleViolation, Equatable {
    public let resource: PeriodQuota.Resource
    public let plan: Plan
    public let limit: Int
    public let period: QuotaPeriod
    public let now: Date

    public var retryAfterSeconds: Int { period.secondsLeft(from: now) }
    public var kind: RuleViolationKind { .exhausted(retryAfterSeconds: retryAfterSeconds) }
    public var code: String { "quota_exceeded" }

    public var message: String {
        "This workspace has used all \(Self.grouped(limit)) \(resource.rawValue) the \(plan.name) plan includes per month. "
            + "The quota resets on \(QuotaPeriod.shortDate(period.end)) (UTC); upgrade the plan under Settings → Billing for more."
    }

    /// 10000 → "10,000", whatever the locale.
    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        return String(digits.enumerated().flatMap { index, digit in
            index > 0 && (digits.count - index) % 3 == 0 ? [",", digit] : [digit]
        })
    }
}
