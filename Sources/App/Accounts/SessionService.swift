import Fluent
import Foundation
import Vapor

/// Database-backed sessions. The cookie holds 256 random bits; the table holds
/// their SHA-256. Sessions end after `idleTimeout` without use or `absoluteTimeout`
/// after sign-in, whichever comes first, and on sign-out.
struct SessionService: Sendable {
    static let idleTimeout: TimeInterval = 7 * 24 * 3600
    static let absoluteTimeout: TimeInterval = 30 * 24 * 3600
    /// Last-seen times are written at most this often, not on every request.
    static let touchInterval: TimeInterval = 60

    let database: any Database
    let now: Date
    let random: AppRandom

    func create(userID: UUID, organizationID: UUID, ip: String?, userAgent: String?) async throws -> (Session, token: String) {
        let token = random.token()
        let session = Session(
            tokenHash: SecretToken.sha256(token),
            userID: userID,
            organizationID: organizationID,
            now: now,
            expiresAt: now.addingTimeInterval(Self.absoluteTimeout),
            ip: ip,
            userAgent: userAgent.map { String($0.prefix(300)) }
        )
        try await session.create(on: database)
        return (session, token)
    }

    /// The live session for a cookie value, or `nil` (expired ones are deleted).
    func find(token: String) async throws -> Session? {
        let found: Session?
        do {
            found = try await Session.query(on: database)
                .filter(\.$tokenHash == SecretToken.sha256(token))
                .with(\.$user).with(\.$organization)
                .first()
        } catch FluentError.missingParent {
            // The person or the workspace was deleted between reading the session and reading them (an account
            // deletion committing meanwhile): the session goes with them, as if it were already gone.
            return nil
        }
        guard let session = found else { return nil }
        if session.expiresAt <= now || session.lastSeenAt.addingTimeInterval(Self.idleTimeout) <= now {
            try await session.delete(on: database)
            return nil
        }
        // The session's workspace is one the person still belongs to: after a membership
        // ended by any path, it moves to another of theirs (or a new personal one).
        if try await !Membership.exists(user: session.$user.id, organization: session.$organization.id, on: database) {
            // Unless the person is gone too (an account deletion that committed after the session was read): a
            // personal workspace for them would fail its foreign key, and the session ends with them.
            let organization = try await database.writeTransaction { db -> Organization? in
                guard try await db.lockRow(of: User.schema, id: session.$user.id) else { return nil }
                return try await PersonalWorkspace.any(for: session.user, on: db)
            }
            guard let organization else { return nil }
            session.$organization.id = organization.id!
            session.$organization.value = organization
            try await session.save(on: database)
        }
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchInterval {
            session.lastSeenAt = now
            try await session.save(on: database)
        }
        return session
    }

    func delete(token: String) async throws {
        try await Session.query(on: database).filter(\.$tokenHash == SecretToken.sha256(token)).delete()
    }

    func deleteAll(userID: UUID) async throws {
        try await Session.query(on: database).filter(\.$user.$id == userID).delete()
    }

    /// How many live sessions the person has besides `kept`.
    static func others(of userID: UUID, except kept: UUID?, now: Date, on database: any Database) async throws -> Int {
        let query = live(of: userID, now: now, on: database)
        if let kept { query.filter(\.$id != kept) }
        return try await query.count()
    }

    /// The person's sessions that still sign a browser in (neither past their end nor idle too long).
    static func live(of userID: UUID, now: Date, on database: any Database) -> QueryBuilder<Session> {
        Session.query(on: database).filter(\.$user.$id == userID).filter(\.$expiresAt > now)
            .filter(\.$lastSeenAt > now.addingTimeInterval(-idleTimeout))
    }

    /// Signs the person out of one browser (not the one asking: that is signing out); returns the session
    /// ended, or nil if it had ended already. Another person's session is left alone as if it did not exist.
    func end(_ id: UUID, of userID: UUID, except kept: UUID) async throws -> Session? {
        guard id != kept,
              let session = try await Session.query(on: database).filter(\.$user.$id == userID).filter(\.$id == id).first()
        else { return nil }
        try await session.delete(on: database)
        return session
    }

    /// Signs the person out of every browser but `kept` (a stolen or forgotten session ends here);
    /// returns how many ended.
    func endOthers(of userID: UUID, except kept: UUID) async throws -> Int {
        let others = Session.query(on: database).filter(\.$user.$id == userID).filter(\.$id != kept)
        let count = try await others.copy().count()
        try await others.delete()
        return count
    }
}

extension Request {
    func sessions() -> SessionService {
        SessionService(database: db, now: application.clock.now(), random: application.random)
    }
}
