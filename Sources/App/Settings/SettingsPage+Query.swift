import Fluent
import Foundation

/// What the settings page shows, read in one place.
struct SettingsPageQuery: Sendable {
    struct Data: Sendable {
        let tokens: [APIToken]
        let isOwner: Bool
        let members: [Membership]
        /// Open invitations; only owners see them.
        let pending: [Invitation]
        /// Every workspace the person belongs to.
        let memberships: [Membership]
        let draftsToday: Int
        let buildsToday: Int
        let grants: [ConnectedApps.Grant]
        /// How many other browsers are signed in as the person, and the most recently used of them.
        let otherSessions: Int
        let sessions: [Session]
        /// The workspace's servers by name, for a token made for one of them.
        let servers: [(id: UUID, name: String)]
    }

    /// More than this many other browsers is a list nobody reads; "Sign out everywhere else" still ends them all.
    static let sessionsShown = 20

    let database: any Database
    let now: Date
    let organizations: OrganizationService
    let tokens: APITokenService

    private func otherSessions(of current: CurrentUser) async throws -> [Session] {
        let query = SessionService.live(of: current.user.id!, now: now, on: database)
        if let this = current.session?.id { query.filter(\.$id != this) }
        return try await query.sort(\.$lastSeenAt, .descending).limit(Self.sessionsShown).all()
    }

    func load(_ current: CurrentUser) async throws -> Data {
        let organizationID = current.organization.id!
        let isOwner = (try? await organizations.membership(current))?.role == Membership.Role.owner.rawValue
        let usage = UsageService(database: database, now: now)
        return Data(
            tokens: try await tokens.list(for: current),
            isOwner: isOwner,
            members: try await organizations.members(of: organizationID),
            pending: isOwner ? try await organizations.pendingInvitations(of: organizationID) : [],
            memberships: try await Membership.query(on: database).filter(\.$user.$id == current.user.id!).with(\.$organization).all(),
            draftsToday: try await usage.today(.draft, organization: organizationID),
            buildsToday: try await usage.today(.build, organization: organizationID),
            grants: try await ConnectedApps.list(on: database, current),
            otherSessions: try await SessionService.others(of: current.user.id!, except: current.session?.id, now: now, on: database),
            sessions: try await otherSessions(of: current),
            servers: try await HostedServer.query(on: database).filter(\.$organization.$id == organizationID)
                .field(\.$id).field(\.$name).sort(\.$name).all().map { ($0.id!, $0.name) }
        )
    }
}
