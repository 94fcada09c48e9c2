/// How many hosted servers a plan includes.
public struct ServerLimit: Sendable, Equatable {
    public let plan: Plan
    /// Servers the workspace has now.
    public let existing: Int

    public init(plan: Plan, existing: Int) {
        self.plan = plan
        self.existing = existing
    }

    /// Throws when one more server would pass the plan's limit (enterprise has none).
    public func checkOneMore() throws(ServerLimitReached) {
        guard let limit = plan.maxServers, existing >= limit else { return }
        throw ServerLimitReached(plan: plan, limit: limit, existing: existing)
    }
}

/// 402 `plan_limit`: the plan, not the moment, is the obstacle, so the way out is a larger plan.
public struct ServerLimitReached: RuleViolation, Equatable {
    public let plan: Plan
    public let limit: Int
    public let existing: Int

    public var kind: RuleViolationKind { .planLimit }
    public var code: String { "plan_limit" }
    public var message: String {
        // After a downgrade a workspace can be several over: say how many must go, not "one".
        let toDelete = existing - limit + 1
        return "The \(plan.name) plan includes \(limit) hosted server\(limit == 1 ? "" : "s"), and this workspace has \(existing). "
            + "Delete \(toDelete == 1 ? "one" : "\(toDelete)") to make room for a new one, or upgrade to a larger plan under Settings → Billing."
    }
}
