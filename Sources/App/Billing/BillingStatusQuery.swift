import Vapor

/// Loads a ``BillingStatus`` for the API and the page: the row, Stripe's live state (when billing is on) and usage.
struct BillingStatusQuery {
    let req: Request

    init(_ req: Request) { self.req = req }

    func load(_ current: CurrentUser) async throws -> BillingStatus {
        let service = req.billingService()
        let billing = req.application.billing
        let record = billing.isOn ? try await service.record(current.organization) : nil
        let live = billing.isOn ? await service.live(record) : nil
        let isOwner = (try? await req.organizationService().membership(current))?.role == Membership.Role.owner.rawValue
        let usage = try await WorkspaceUsageQuery(database: req.db, now: req.application.clock.now()).load(organization: current.organization)
        return BillingStatus(
            plan: current.plan, planSetByAdministrator: current.organization.planOverride != nil, isOwner: isOwner, billingIsOn: billing.isOn, record: record, live: live,
            prices: billing.settings.stripe?.prices, usage: usage.bars(plan: current.plan))
    }
}
