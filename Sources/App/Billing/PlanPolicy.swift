import Core

/// Which plan a workspace is on: an administrator's override first; then, with billing on, the plan Stripe
/// confirmed (`organizations.plan`), and with billing off the deployment's default plan. Every limit is read
/// through here, so quotas, pages and the MCP endpoint agree.
struct PlanPolicy: Sendable, Equatable {
    let billingIsOn: Bool
    let defaultPlan: PlanID

    init(_ settings: BillingSettings) {
        self.billingIsOn = settings.isOn
        self.defaultPlan = settings.defaultPlan
    }

    func planID(stored: String, override: String?) -> PlanID {
        if let override, let id = PlanID(rawValue: override) { return id }
        guard billingIsOn else { return defaultPlan }
        return PlanID(rawValue: stored) ?? .hobby
    }

    func plan(stored: String, override: String?) -> Plan {
        PlanTable.plan(planID(stored: stored, override: override))
    }

    func plan(for organization: Organization) -> Plan {
        plan(stored: organization.plan, override: organization.planOverride)
    }
}

extension AppConfig {
    var plans: PlanPolicy { PlanPolicy(billing) }
}
