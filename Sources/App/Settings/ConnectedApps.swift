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
}
