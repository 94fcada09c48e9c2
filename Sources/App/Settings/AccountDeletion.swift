import Fluent
import Foundation

/// Deletes a person and everything only they own.
///
/// Organizations where the person is the only member are deleted with all their
/// rows (memberships, sessions, tokens, servers, templates) except taken-down templates,
/// which `RemovedPublisher` keeps; in shared organizations only the membership goes. OAuth grants and their tokens go everywhere. The audit log is
/// never deleted with an account: the person's events stay, anonymised (no actor,
/// address or user agent, marked as a deleted account's), and events about their account
/// lose its id and details, so a workspace's history keeps its shape without naming them.
/// Each shared workspace records that they left.
struct AccountDeletion: Sendable {
    let database: any Database

    struct Result: Sendable {
        let deletedOrganizations: [UUID]
        /// Workspaces with other members, which keep going without the person.
        let leftOrganizations: [UUID]
    }

    func delete(_ user: User) async throws -> Result {
        let userID = try user.requireID()
        return try await database.writeTransaction { db in
            // Sent twice at once (a double click, a retry), the second finds the first's work done: one deletion, one
            // audit event, one email. PostgreSQL locks the row; SQLite's writer lock already orders the two.
            guard try await db.lockRow(of: User.schema, id: userID) else {
                throw APIError(.notFound, "not_found", "This account was already deleted.")
            }
            try await Self.checkNoOrphanedWorkspace(userID, on: db)
            var deleted: [UUID] = []
            var left: [UUID] = []
            // Explicitly, not only by foreign-key cascade: tokens must die even where cascades are off.
            let grants = try await OAuthGrant.query(on: db).filter(\.$user.$id == userID).all().compactMap(\.id)
            if !grants.isEmpty {
                try await OAuthToken.query(on: db).filter(\.$grant.$id ~~ grants).delete()
                try await OAuthCode.query(on: db).filter(\.$grant.$id ~~ grants).delete()
                try await OAuthGrant.query(on: db).filter(\.$id ~~ grants).delete()
            }
            for membership in try await Membership.query(on: db).filter(\.$user.$id == userID).all() {
                let organizationID = membership.$organization.id
                let members = try await Membership.query(on: db).filter(\.$organization.$id == organizationID).count()
                if members == 1 {
                    if let organization = try await Organization.find(organizationID, on: db) {
                        try await SuspendedIdentity.remember(user, organization: organization, on: db)
                    }
                    try await RemovedPublisher.adoptTakenDownTemplates(of: organizationID, now: Date(), on: db)
                    // Someone removed earlier may still have a browser in this workspace: it moves to a workspace of
                    // theirs, as when they are removed, rather than being signed out of the whole site.
                    for session in try await Session.query(on: db).filter(\.$organization.$id == organizationID)
                        .filter(\.$user.$id != userID).with(\.$user).all() {
                        session.$organization.id = try await PersonalWorkspace.any(for: session.user, on: db).requireID()
                        try await session.save(on: db)
                    }
                    try await Session.query(on: db).filter(\.$organization.$id == organizationID).delete()
                    try await APIToken.query(on: db).filter(\.$organization.$id == organizationID).delete()
                    try await Membership.query(on: db).filter(\.$organization.$id == organizationID).delete()
                    try await Organization.query(on: db).filter(\.$id == organizationID).delete()
                    deleted.append(organizationID)
                } else {
                    _ = try await OrganizationService.cancelInvitations(sentBy: userID, in: organizationID, on: db)
                    try await membership.delete(on: db)
                    left.append(organizationID)
                }
            }
            try await AuditEvent.query(on: db).filter(\.$actorUserID == userID)
                .set(\.$actorUserID, to: nil).set(\.$actorDeleted, to: true).set(\.$ip, to: nil).set(\.$userAgent, to: nil).update()
            // Sign-in attempts on the account (`SignInAudit`) were most likely the person's own: their address and
            // browser go as with the events they caused.
            try await AuditEvent.query(on: db).filter(\.$resourceType == "user").filter(\.$resourceID == userID.uuidString)
                .filter(\.$action ~~ SignInAudit.actions).set(\.$ip, to: nil).set(\.$userAgent, to: nil).update()
            // Events about the account (its creation, profile and email changes, a membership given or taken):
            // the id would tie them back together, and the details hold masked addresses.
            try await AuditEvent.query(on: db).filter(\.$resourceType == "user").filter(\.$resourceID == userID.uuidString)
                .set(\.$resourceID, to: nil).set(\.$metadata, to: "{}").update()
            let anonymous = AuditLog(database: db, now: Date(), ip: nil, userAgent: nil)
            for organizationID in left {
                try await anonymous.record("member.left", organization: organizationID, resourceType: "user",
                                           metadata: ["reason": "account_deleted"], actorDeleted: true)
            }
            // What shared workspaces keep about the person beyond the anonymised log: the invitations they accepted
            // (which hold their address) go, and the builds they asked for no longer name them.
            if let email = user.email {
                try await Invitation.query(on: db).filter(\.$email == email).filter(\.$acceptedAt != nil).delete()
            }
            try await Build.query(on: db).filter(\.$requestedBy == userID).set(\.$requestedBy, to: nil).update()
            try await Session.query(on: db).filter(\.$user.$id == userID).delete()
            try await APIToken.query(on: db).filter(\.$user.$id == userID).delete()
            try await LoginChallenge.query(on: db).filter(\.$target ~~ [user.email, user.phone].compactMap { $0 }).delete()
            try await user.delete(on: db)
            return Result(deletedOrganizations: deleted, leftOrganizations: left)
        }
    }

    /// The last owner of a workspace that has other members would leave them without
    /// anyone who can manage it: ownership moves first.
    static func checkNoOrphanedWorkspace(_ userID: UUID, on db: any Database) async throws {
        let owned = try await Membership.query(on: db).filter(\.$user.$id == userID)
            .filter(\.$role == Membership.Role.owner.rawValue).with(\.$organization).all()
        for membership in owned {
            let organizationID = membership.$organization.id
            let members = try await Membership.query(on: db).filter(\.$organization.$id == organizationID).count()
            let owners = try await Membership.query(on: db).filter(\.$organization.$id == organizationID)
                .filter(\.$role == Membership.Role.owner.rawValue).count()
            if members > 1 && owners == 1 {
                throw APIError(.conflict, "transfer_ownership_first",
                               "You are the only owner of “\(membership.organization.name)”, which has other members. Make one of them an owner in Settings → Workspace (or remove them) before deleting your account.")
            }
        }
    }
}
