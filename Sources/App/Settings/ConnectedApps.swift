import Fluent
import Foundation
import Vapor

/// The signed-in person's OAuth grants, for Settings → Connected apps.
enum ConnectedApps {
    struct Grant: Sendable {
        let id: UUID
        let client: String
        let server: String
        let scope: String
        let created: Date
        let lastUsed: Date?
    }

    static func list(on database: any Database, _ current: CurrentUser) async throws -> [Grant] {
        let grants = try await OAuthGrant.query(on: database).filter(\.$user.$id == current.user.id!).filter(\.$revokedAt == nil)
            .with(\.$server).sort(\.$createdAt, .descending).all()
        let clientIDs = Set(grants.map(\.clientID))
        let clients = try await OAuthClient.query(on: database).filter(\.$clientID ~~ Array(clientIDs)).all()
        let names = Dictionary(clients.map { ($0.clientID, $0.clientName) }, uniquingKeysWith: { first, _ in first })
        return grants.map { grant in
            Grant(id: grant.id!, client: names[grant.clientID] ?? URL(string: grant.clientID)?.host ?? grant.clientID,
                  server: grant.server.name, scope: grant.scope, created: grant.createdAt, lastUsed: grant.lastUsedAt)
        }
    }

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
