import Fluent
import Foundation

/// Deletes a person and everything only they own.
///
/// Organizations where the person is the only member are deleted with all their
/// rows (memberships, sessions, tokens by foreign-key cascade, audit events
/// explicitly, since the audit log keeps no foreign keys); in shared
/// organizations only the membership goes. Hosted servers and OAuth grants will
/// join this cascade when those features land.
struct AccountDeletion: Sendable {
    let database: any Database

    struct Result: Sendable {
        let deletedOrganizations: [UUID]
    }

    func delete(_ user: User) async throws -> Result {
        let userID = try user.requireID()
        return try await database.transaction { db in
            var deleted: [UUID] = []
            for membership in try await Membership.query(on: db).filter(\.$user.$id == userID).all() {
                let organizationID = membership.$organization.id
                let members = try await Membership.query(on: db).filter(\.$organization.$id == organizationID).count()
                if members == 1 {
                    try await AuditEvent.query(on: db).filter(\.$organizationID == organizationID).delete()
                    try await Session.query(on: db).filter(\.$organization.$id == organizationID).delete()
                    try await APIToken.query(on: db).filter(\.$organization.$id == organizationID).delete()
                    try await Membership.query(on: db).filter(\.$organization.$id == organizationID).delete()
                    try await Organization.query(on: db).filter(\.$id == organizationID).delete()
                    deleted.append(organizationID)
                } else {
                    try await membership.delete(on: db)
                }
            }
            try await Session.query(on: db).filter(\.$user.$id == userID).delete()
            try await APIToken.query(on: db).filter(\.$user.$id == userID).delete()
            try await LoginChallenge.query(on: db).filter(\.$target ~~ [user.email, user.phone].compactMap { $0 }).delete()
            try await user.delete(on: db)
            return Result(deletedOrganizations: deleted)
        }
    }
}
