import Fluent
import Foundation

/// Ending OAuth access when membership ends (SECURITY.md 37): removing a member,
/// suspending a workspace and deleting an account revoke the grants, and with them
/// every access and refresh token they issued.
extension OAuthTokenService {
    /// Revokes the grants held in `organization` — only `user`'s when one is given —
    /// and their tokens. Returns how many grants it revoked.
    @discardableResult
    func revokeGrants(in organization: UUID, of user: UUID? = nil) async throws -> Int {
        let query = OAuthGrant.query(on: database).filter(\.$organization.$id == organization).filter(\.$revokedAt == nil)
        if let user { query.filter(\.$user.$id == user) }
        let grants = try await query.all()
        for grant in grants { try await revoke(grant: grant) }
        return grants.count
    }

    /// Whether the person behind a grant is still a member of its workspace. Checked
    /// on every token exchange, so a membership that ended by any path ends the grant.
    func isMember(_ grant: OAuthGrant) async throws -> Bool {
        try await Membership.exists(user: grant.$user.id, organization: grant.$organization.id, on: database)
    }
}
