import Fluent
import Foundation
import Vapor

/// Settings → Connected apps: revoking a client's access.
enum ConnectedAppsController {
    /// Revokes a grant and every token issued under it.
    static func revoke(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameter(.grant, as: UUID.self),
              let grant = try await OAuthGrant.find(id, on: req.db), grant.$user.id == current.user.id
        else { throw APIError(.notFound, "not_found", "There is no such connected app.") }
        try await req.oauthTokens().revoke(grant: grant)
        try await req.auditLog().record("oauth.grant_revoked", organization: grant.$organization.id, actor: current.user.id,
                                                resourceType: "server", resourceID: grant.$server.id.uuidString, metadata: ["client": grant.clientID])
        return req.redirect(to: SiteRoute.settings.path(fragment: "apps-title"), redirectType: .normal)
    }
}
