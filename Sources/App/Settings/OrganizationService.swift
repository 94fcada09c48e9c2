import Core
import Fluent
import Foundation
import Messaging
import SQLKit
import Vapor

/// Renaming an organization, inviting and removing members. Only owners change
/// anything; the last owner can never be removed.
struct OrganizationService: Sendable {
    let database: any Database
    let now: Date
    let audit: AuditLog
    let rateLimits: RateLimitPolicy
    let random: AppRandom

    func membership(_ current: CurrentUser) async throws -> Membership {
        guard let membership = try await Membership.query(on: database)
            .filter(\.$user.$id == current.user.id!).filter(\.$organization.$id == current.organization.id!).first()
        else { throw APIError(.forbidden, "forbidden", "You are not a member of this workspace.") }
        return membership
    }

    func requireOwner(_ current: CurrentUser) async throws {
        let role = Membership.Role(rawValue: try await membership(current).role) ?? .member
        do { try role.checkCanManage() } catch { throw APIError(error) }
    }

    func rename(_ current: CurrentUser, to raw: String) async throws {
        try await requireOwner(current)
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count) else {
            throw APIError(.badRequest, "invalid_org_name", "Use 1 to 80 characters for the workspace name.")
        }
        current.organization.name = name
        try await current.organization.save(on: database)
        try await audit.record("org.renamed", organization: current.organization.id, actor: current.user.id,
                               resourceType: "organization", resourceID: current.organization.id?.uuidString)
    }

    /// Makes another of the person's workspaces the current one for this browser session.
    func switchWorkspace(_ current: CurrentUser, to id: UUID?) async throws {
        guard let session = current.session, let id,
              try await Membership.query(on: database).filter(\.$user.$id == current.user.id!).filter(\.$organization.$id == id).count() == 1
        else { throw APIError(.notFound, "not_found", "No such workspace.") }
        session.$organization.id = id
        try await session.save(on: database)
    }

    func members(of organizationID: UUID) async throws -> [Membership] {
        try await Membership.query(on: database).filter(\.$organization.$id == organizationID)
            .with(\.$user).sort(\.$createdAt).all()
    }

    func pendingInvitations(of organizationID: UUID) async throws -> [Invitation] {
        try await Invitation.query(on: database).filter(\.$organization.$id == organizationID)
            .filter(\.$acceptedAt == nil).filter(\.$expiresAt > now).sort(\.$createdAt, .descending).all()
    }

    /// Creates the invitation and emails its link.
    func invite(_ current: CurrentUser, email: EmailAddress, role: Membership.Role, publicURL: String, mailer: any Mailer) async throws {
        try await requireOwner(current)
        let members = try await members(of: current.organization.id!)
        if members.contains(where: { $0.user.email == email.normalized }) {
            throw APIError(.conflict, "already_member", "\(email.normalized) is already a member.")
        }
        try await RateLimiter(database: database, now: now).hit("invite:" + current.organization.id!.uuidString, rateLimits.invitationsPerWorkspace)
        let token = random.token()
        let invitation = Invitation()
        invitation.$organization.id = current.organization.id!
        invitation.$invitedBy.id = current.user.id
        invitation.email = email.normalized
        invitation.role = role.rawValue
        invitation.tokenHash = SecretToken.sha256(token)
        invitation.createdAt = now
        invitation.expiresAt = now.addingTimeInterval(Invitation.lifetime)
        try await invitation.create(on: database)
        do {
            try await mailer.send(EmailMessage(
                to: email.normalized,
                subject: "\(current.user.displayName) invited you to \(current.organization.name) on BuildMyMCPServer",
                text: """
                \(current.user.displayName) invited you to join the workspace "\(current.organization.name)" on BuildMyMCPServer.

                Accept the invitation (the link works once, for 7 days):

                \(SiteRoute.invitation.url(base: publicURL, QueryString([("token", token)])))
                """
            ))
        } catch {
            throw APIError(.serviceUnavailable, "delivery_failed", "We could not send the invitation right now. Try again in a minute.")
        }
        try await audit.record("member.invited", organization: current.organization.id, actor: current.user.id,
                               resourceType: "invitation", resourceID: invitation.id?.uuidString, metadata: ["email": email.masked, "role": role.rawValue])
    }

    /// The invitation behind a link, if it can still be used.
    func openInvitation(token: String) async throws -> Invitation {
        guard let invitation = try await Invitation.query(on: database).filter(\.$tokenHash == SecretToken.sha256(token))
            .with(\.$organization).first()
        else { throw APIError(.notFound, "unknown_invitation", "This invitation link is not valid.") }
        if invitation.acceptedAt != nil { throw APIError(.gone, "invitation_used", "This invitation was already accepted.") }
        if invitation.expiresAt <= now { throw APIError(.gone, "invitation_expired", "This invitation has expired. Ask for a new one.") }
        return invitation
    }

    /// Accepts an invitation: the link proves the address, so the person is found
    /// or created by it, joins the organization, and gets a session there.
    func accept(token: String) async throws -> (User, Organization) {
        let invitation = try await openInvitation(token: token)
        guard let sql = database as? any SQLDatabase,
              try await sql.raw("UPDATE invitations SET accepted_at = \(bind: now) WHERE id = \(bind: invitation.id!) AND accepted_at IS NULL RETURNING id").all().count == 1
        else { throw APIError(.gone, "invitation_used", "This invitation was already accepted.") }
        let organization = invitation.organization
        let user = try await database.transaction { db -> User in
            let user: User
            if let existing = try await User.query(on: db).filter(\.$email == invitation.email).first() {
                user = existing
            } else {
                user = User(email: invitation.email, phone: nil, displayName: String(invitation.email.split(separator: "@")[0]))
                try await user.create(on: db)
            }
            let already = try await Membership.query(on: db).filter(\.$user.$id == user.id!).filter(\.$organization.$id == organization.id!).count()
            if already == 0 {
                try await Membership(userID: user.id!, organizationID: organization.id!, role: Membership.Role(rawValue: invitation.role) ?? .member).create(on: db)
            }
            return user
        }
        try await audit.record("member.joined", organization: organization.id, actor: user.id, resourceType: "user", resourceID: user.id?.uuidString)
        return (user, organization)
    }

    func remove(_ current: CurrentUser, memberID: UUID) async throws {
        try await requireOwner(current)
        guard let membership = try await Membership.query(on: database).filter(\.$id == memberID)
            .filter(\.$organization.$id == current.organization.id!).first()
        else { throw APIError(.notFound, "not_found", "No such member.") }
        let role = Membership.Role(rawValue: membership.role) ?? .member
        // Only removing an owner needs the count.
        let owners = role == .owner ? try await Membership.query(on: database).filter(\.$organization.$id == current.organization.id!)
            .filter(\.$role == Membership.Role.owner.rawValue).count() : 0
        do { try role.checkRemovable(owners: owners) } catch { throw APIError(error) }
        let userID = membership.$user.id
        try await membership.delete(on: database)
        // Their sessions in this workspace end; their own workspaces are untouched.
        try await Session.query(on: database).filter(\.$user.$id == userID).filter(\.$organization.$id == current.organization.id!).delete()
        try await APIToken.query(on: database).filter(\.$user.$id == userID).filter(\.$organization.$id == current.organization.id!).delete()
        try await audit.record("member.removed", organization: current.organization.id, actor: current.user.id,
                               resourceType: "user", resourceID: userID.uuidString)
    }
}

extension Request {
    func organizationService() -> OrganizationService {
        OrganizationService(database: db, now: application.clock.now(), audit: auditLog(),
                            rateLimits: application.config.rateLimits, random: application.random)
    }
}
