import Core
import Fluent
import Foundation

/// An administrator sets or clears a workspace's manual plan (`organizations.plan_override`), which wins over
/// Stripe and the billing-off default. Audited with the plan before and after; this instance's cached server
/// contexts and tool-call counts are dropped so limits change at once (other instances within a second).
struct WorkspacePlanOverride: Sendable {
    let database: any Database
    let audit: AuditLog
    let plans: PlanPolicy
    let hosting: HostingEnvironment

    /// `plan` empty or nil clears the override; anything but a plan id is refused.
    func set(_ plan: String?, organization id: UUID?, by admin: CurrentUser) async throws {
        let requested = plan?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let override: PlanID?
        if requested.isEmpty {
            override = nil
        } else if let id = PlanID(rawValue: requested) {
            override = id
        } else {
            throw APIError(.unprocessableEntity, "unknown_plan",
                           "“\(requested)” is not a plan. Choose one of \(PlanID.allCases.map(\.rawValue).joined(separator: ", ")), or none to clear the override.")
        }
        guard let id, let organization = try await Organization.find(id, on: database) else {
            throw APIError(.notFound, "not_found", "No such organization.")
        }
        let before = plans.plan(for: organization).id
        let previousOverride = organization.planOverride
        organization.planOverride = override?.rawValue
        let after = plans.plan(for: organization).id
        try await database.writeTransaction { [audit] database in
            try await organization.save(on: database)
            try await audit.on(database).recordAdministration(
                override == nil ? "org.plan_override_cleared" : "org.plan_override_set", organization: id, actor: admin.user.id,
                resourceType: "organization", resourceID: id.uuidString,
                metadata: ["from": before.rawValue, "to": after.rawValue, "override_from": previousOverride ?? "none",
                           "override_to": override?.rawValue ?? "none"])
        }
        let servers = try await HostedServer.query(on: database).filter(\.$organization.$id == id).all(\.$id)
        for server in servers { hosting.contexts.invalidate(server) }
        hosting.monthlyCalls.invalidate(id)
    }
}

extension PlanPolicy {
    /// Where a workspace's effective plan comes from, for the administrators' page.
    func source(for organization: Organization) -> String {
        if let override = organization.planOverride, PlanID(rawValue: override) != nil { return "Override" }
        return billingIsOn ? "Stripe" : "Default (billing off)"
    }
}
