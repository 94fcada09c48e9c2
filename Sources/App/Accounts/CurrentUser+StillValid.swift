import Fluent
import Foundation

extension CurrentUser {
    /// How often an open stream (call log, build log) re-checks that its reader may still see what it streams.
    static let accessCheckInterval: Duration = .seconds(2)

    /// Whether what let this request in still holds: the browser session or API token still exists
    /// and has not expired, and the person is still a member of the workspace. A long-lived stream
    /// (the live call log) asks this as it runs, so removing a member, revoking a token or signing
    /// out ends their open streams too, not only their next request.
    func isStillValid(on database: any Database, now: Date) async throws -> Bool {
        if let session {
            guard let stored = try await Session.find(session.id, on: database), stored.expiresAt > now,
                  stored.$organization.id == organization.id else { return false }
        }
        if let apiToken {
            guard let stored = try await APIToken.find(apiToken.id, on: database) else { return false }
            if let expiry = stored.expiresAt, expiry <= now { return false }
        }
        return try await Membership.exists(user: user.requireID(), organization: organization.requireID(), on: database)
    }
}
