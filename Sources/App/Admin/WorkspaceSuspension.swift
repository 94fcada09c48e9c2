import Fluent
import Foundation

/// An administrator suspends or reinstates a workspace: its members keep read access,
/// its changes and tool calls stop (`SuspensionGuard`, the MCP endpoint), and its
/// OAuth grants are revoked (SECURITY.md 37).
struct WorkspaceSuspension: Sendable {
    let database: any Database
    let now: Date
    let audit: AuditLog
    let random: AppRandom
    /// Forgets the workspace's MCP callers on this instance at once, so suspension (and reinstatement) shows at the next call.
    let callers: CallerCache

    func set(_ suspended: Bool, organization id: UUID?, by admin: CurrentUser) async throws {
        guard let id, let organization = try await Organization.find(id, on: database) else {
            throw APIError(.notFound, "not_found", "No such organization.")
        }
        organization.suspendedAt = suspended ? now : nil
        try await organization.save(on: database)
        callers.forget(.organization(id))
        // Connected apps do not come back with reinstatement: their people connect again.
        let grants = suspended ? try await OAuthTokenService(database: database, now: now, random: random, callers: callers).revokeGrants(in: id) : 0
        try await audit.record(suspended ? "org.suspended" : "org.unsuspended", organization: organization.id,
                               actor: admin.user.id, resourceType: "organization", resourceID: organization.id?.uuidString,
                               metadata: suspended ? ["oauth_grants_revoked": String(grants)] : [:])
    }
}
