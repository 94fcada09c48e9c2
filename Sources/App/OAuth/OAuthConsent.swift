import Fluent
import Foundation

/// A person's consent for one client to use one server (SECURITY.md 22: per user,
/// per client, per server), remembered as a grant until revoked.
struct OAuthConsent: Sendable {
    let database: any Database
    let now: Date
    let audit: AuditLog

    /// The grant this person already gave this client for this server, if it stands.
    func remembered(_ current: CurrentUser, client: OAuthClients.Resolved, server: HostedServer) async throws -> OAuthGrant? {
        try await OAuthGrant.query(on: database).filter(\.$user.$id == current.user.id!).filter(\.$server.$id == server.id!)
            .filter(\.$clientID == client.clientID).filter(\.$revokedAt == nil).first()
    }

    /// The standing grant, or a new one. A second Allow (the consent page open in two tabs) reuses the
    /// first, so revoking the app in Connected apps always ends every way it has in.
    func grant(_ current: CurrentUser, client: OAuthClients.Resolved, server: HostedServer, scope: String) async throws -> OAuthGrant {
        if let standing = try await remembered(current, client: client, server: server) { return standing }
        let grant = OAuthGrant()
        grant.$user.id = current.user.id!
        grant.$organization.id = server.$organization.id
        grant.$server.id = server.id!
        grant.clientID = client.clientID
        grant.scope = scope
        grant.createdAt = now
        try await grant.create(on: database)
        try await audit.record("oauth.consent_granted", organization: server.$organization.id, actor: current.user.id,
                               resourceType: "server", resourceID: server.id?.uuidString,
                               metadata: ["client": client.name, "scope": scope])
        return grant
    }

    func deny(_ current: CurrentUser, client: OAuthClients.Resolved, server: HostedServer) async throws {
        try await audit.record("oauth.consent_denied", organization: server.$organization.id, actor: current.user.id,
                               resourceType: "server", resourceID: server.id?.uuidString, metadata: ["client": client.name])
    }
}
