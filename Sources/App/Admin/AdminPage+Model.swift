struct AdminView: Encodable {
    struct UserRow: Encodable {
        let name: String
        let contact: String
        let isAdmin: Bool
        let joined: String
    }
    struct OrganizationRow: Encodable {
        let name: String
        /// Its owners' addresses, and its id: what tells two workspaces of one name apart.
        let owners: String
        let id: String
        let plan: String
        let isSuspended: Bool
        let action: String
        let billing: Billing
    }
    /// A workspace's billing state as the plan policy and the webhook left it.
    struct Billing: Encodable {
        /// "Override", "Stripe" or "Default (billing off)".
        let planSource: String
        /// The override's plan id, empty when there is none.
        let override: String
        /// For the form's label and select, unique per row.
        let fieldID: String
        let subscriptionStatus: String
        let periodEnd: String
        let failedPayments: Int
        let suspendedSince: String?
        let planAction: String

        init(_ organization: Organization, subscription: WorkspaceSubscription?, plans: PlanPolicy) {
            planSource = plans.source(for: organization)
            override = organization.planOverride ?? ""
            fieldID = "plan-" + organization.id!.uuidString.lowercased()
            subscriptionStatus = subscription?.status ?? "none"
            periodEnd = subscription?.currentPeriodEnd.map(DayLabel.long) ?? "—"
            failedPayments = subscription?.failedPaymentAttempts ?? 0
            suspendedSince = organization.billingSuspendedAt.map(DayLabel.long)
            planAction = SiteRoute.adminOrganization(.value(organization.id!), .plan).path
        }
    }
    struct PlanChoice: Encodable {
        let id: String
        let name: String
    }
    /// Why the last change was refused (an unknown plan).
    let error: String?
    let search: String
    let searchAction: String
    let csrf: String
    /// The marketplace moderation queue, `/admin/templates`.
    let templatesHref: String
    let platformAuditHref: String
    let users: [UserRow]
    let organizations: [OrganizationRow]
    /// "Showing the newest 100 of 240 …" when the list is cut short; nil when everything is listed.
    let usersCut: String?
    let organizationsCut: String?
    let planChoices: [PlanChoice]
}
