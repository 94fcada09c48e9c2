import Fluent
import Foundation

/// An open stream's (call log, build log) re-check of its reader's access: at most every two seconds, so a removed
/// member, a revoked token or a signed-out session ends the stream within that time without a query per event.
struct StreamAccessCheck: Sendable {
    static let interval: Duration = .seconds(2)

    let current: CurrentUser
    let database: any Database
    let clock: AppClock
    private var checked = ContinuousClock.now

    init(_ current: CurrentUser, database: any Database, clock: AppClock) {
        self.current = current
        self.database = database
        self.clock = clock
    }

    /// False once the reader may no longer see what the stream shows.
    mutating func stillAllowed() async throws -> Bool {
        guard ContinuousClock.now - checked >= Self.interval else { return true }
        checked = ContinuousClock.now
        return try await current.isStillValid(on: database, now: clock.now())
    }
}

extension CurrentUser {
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
