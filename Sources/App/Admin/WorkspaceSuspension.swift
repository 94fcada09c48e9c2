import Fluent
import Foundation

/// An administrator suspends or reinstates a workspace: its members keep read access in the browser,
/// its changes and tool calls stop (`SuspensionGuard`, the MCP endpoint), and its OAuth grants and
/// personal API tokens are revoked (SECURITY.md 37): whatever was handed to scripts and clients
/// stops at once and does not come back with reinstatement.
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
        var tokens = 0
        if suspended {
            // SECURITY.md 4: suspension ends the sessions in the workspace; its people sign in again to a read-only one.
            try await Session.query(on: database).filter(\.$organization.$id == id).delete()
            let revoked = try await APIToken.query(on: database).filter(\.$organization.$id == id).all()
            tokens = revoked.count
            try await APIToken.query(on: database).filter(\.$organization.$id == id).delete()
            for token in revoked { callers.forget(.token(hash: token.tokenHash)) }
        } else {
            // Lifted: its members' new workspaces no longer start suspended (`SuspendedIdentity`).
            let members = try await Membership.query(on: database).filter(\.$organization.$id == id).with(\.$user).all().map(\.user)
            let digests = members.flatMap { [$0.email, $0.phone].compactMap { $0 } }.map(SuspendedIdentity.digest)
            if !digests.isEmpty {
                try await SuspendedIdentity.query(on: database).filter(\.$identityDigest ~~ digests).delete()
            }
        }
        try await audit.recordAdministration(suspended ? "org.suspended" : "org.unsuspended", organization: organization.id,
                               actor: admin.user.id, resourceType: "organization", resourceID: organization.id?.uuidString,
                               metadata: suspended ? ["oauth_grants_revoked": String(grants), "api_tokens_revoked": String(tokens)] : [:])
    }
}
