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
    /// Forgets a removed member's MCP callers on this instance at once.
    let callers: CallerCache
    /// Which plan a workspace is on now, for invitations sent before it moved to a plan without members.
    let plans: PlanPolicy
    /// Wakes the mail sender for a notice queued with a change (a removed member is told).
    let queuedMail: WakeSignal

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
        guard let name = DisplayName.normalized(raw) else {
            throw APIError(.badRequest, "invalid_org_name",
                           "Use 1 to \(DisplayName.maxLength) characters for the workspace name, on one line, without control characters.")
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

    /// Creates the invitation and emails its link. The email names the inviter by the
    /// address they signed in with, not only by a display name they chose.
    /// Whether it replaced an invitation still pending for the address (whose link then stops working).
    @discardableResult
    func invite(_ current: CurrentUser, email: EmailAddress, role: Membership.Role, publicURL: String, mailer: any Mailer) async throws -> Bool {
        try await requireOwner(current)
        guard current.plan.members else { throw Self.membersNotInPlan(current.plan) }
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
        let inviter = Invitation.inviterLabel(current.user)
        do {
            try await mailer.send(EmailMessage(
                to: email.normalized,
                subject: "\(inviter) invited you to \(current.organization.name) on BuildMyMCPServer",
                text: """
                \(inviter) invited you to join the workspace "\(current.organization.name)" on BuildMyMCPServer.
                (The name is one they chose; the address in brackets is the one they signed in with.)

                Open the link, sign in as \(email.normalized), and accept. The link works once, for 72 hours:

                \(SiteRoute.invitation.url(base: publicURL, QueryString([("token", token)])))

                If you did not expect this invitation, ignore this email.
                """
            ))
        } catch {
            // Nobody received a link to it: it is not pending, and an earlier one sent to the address stays as it was.
            try? await invitation.delete(on: database)
            var answer = APIError(.serviceUnavailable, "delivery_failed", "We could not send the invitation right now. Nothing was changed; try again in a minute.")
            answer.cause = (error as? DeliveryError)?.description
            throw answer
        }
        // Inviting the same address again replaces what it was sent before: one pending invitation per person,
        // and only the newest link (with the newest role) works. Only older ones go: two invitations sent at once
        // (a double click) each deleting "every other" left none.
        let older = Invitation.query(on: database).filter(\.$organization.$id == current.organization.id!)
            .filter(\.$email == email.normalized).filter(\.$acceptedAt == nil).filter(\.$id != invitation.id!)
            .filter(\.$createdAt < invitation.createdAt)
        let replaced = try await older.count() > 0
        try await older.delete()
        try await audit.record("member.invited", organization: current.organization.id, actor: current.user.id,
                               resourceType: "invitation", resourceID: invitation.id?.uuidString, metadata: ["email": email.masked, "role": role.rawValue])
        return replaced
    }

    /// Whether the link is an invitation `current` already accepted (they are a member of its workspace): a
    /// link opened again, or the page reached by Back after accepting, is no failure to report.
    /// With `waiting`, an acceptance of the last few seconds whose membership is not there yet (the first of a
    /// double click, still committing) is waited for, up to a second.
    func alreadyJoined(token: String, _ current: CurrentUser, waiting: Bool = false) async throws -> Bool {
        guard let invitation = try await Invitation.query(on: database).filter(\.$tokenHash == SecretToken.sha256(token)).first(),
              let acceptedAt = invitation.acceptedAt, current.user.email?.lowercased() == invitation.email.lowercased()
        else { return false }
        let tries = waiting && Self.justAccepted(acceptedAt, now: now) ? 20 : 1
        for attempt in 1...tries {
            if try await Membership.query(on: database).filter(\.$user.$id == current.user.id!)
                .filter(\.$organization.$id == invitation.$organization.id).first() != nil {
                return true
            }
            if attempt < tries { try await Task.sleep(for: .milliseconds(50)) }
        }
        return false
    }

    /// Accepted so recently that another use is the same click sent twice, not a link used again later.
    private static func justAccepted(_ acceptedAt: Date, now: Date) -> Bool {
        acceptedAt > now.addingTimeInterval(-10)
    }

    /// The invitation behind a link, if it can still be used; a refusal is audited, except the invitee's own
    /// second click a moment after accepting (`by`).
    func openInvitation(token: String, by current: CurrentUser? = nil) async throws -> Invitation {
        guard let invitation = try await Invitation.query(on: database).filter(\.$tokenHash == SecretToken.sha256(token))
            .with(\.$organization).with(\.$invitedBy).first()
        else { throw try await refused(nil, APIError(.notFound, "unknown_invitation", "This invitation link is not valid. It may have been replaced by a newer invitation to the same address (only the newest link works) or cancelled: use the latest invitation email, or ask the workspace's owner to invite you again.")) }
        if let acceptedAt = invitation.acceptedAt {
            let used = APIError(.gone, "invitation_used", "This invitation was already accepted.")
            if let current, current.user.email?.lowercased() == invitation.email.lowercased(), Self.justAccepted(acceptedAt, now: now) {
                throw used
            }
            throw try await refused(invitation, used)
        }
        // Also bounds invitations sent when links lived longer than they do now.
        if invitation.expiresAt <= now || invitation.createdAt.addingTimeInterval(Invitation.lifetime) <= now {
            throw try await refused(invitation, APIError(.gone, "invitation_expired", "This invitation has expired: links work for 72 hours. Ask for a new one."))
        }
        // A suspended workspace changes in no way, and gaining a member is a change (its owners cannot revoke the
        // invitation meanwhile either).
        if invitation.organization.suspendedAt != nil {
            throw try await refused(invitation, APIError(.forbidden, "org_suspended",
                "\(invitation.organization.name) is suspended, so it cannot take new members now. Ask its owner to invite you again once it is back."))
        }
        // Sent on Team, opened after the workspace moved to a plan for one person.
        let plan = plans.plan(for: invitation.organization)
        if !plan.members {
            throw try await refused(invitation, APIError(.paymentRequired, "plan_limit",
                "\(invitation.organization.name) is on the \(plan.name) plan now, which is for one person, so this invitation can no longer be accepted. Ask its owner to move to the Team plan and invite you again."))
        }
        return invitation
    }

    /// Whether the signed-in person is the one invited; a mismatch is refused and audited.
    func checkInvitee(_ invitation: Invitation, _ current: CurrentUser) async throws {
        guard current.user.email?.lowercased() == invitation.email.lowercased() else {
            let signedInAs = current.user.email ?? current.user.phone ?? "another account"
            throw try await refused(invitation, APIError(.forbidden, "wrong_account",
                "This invitation is for \(invitation.email), but you are signed in as \(signedInAs). Sign out, sign in as \(invitation.email), and open the link again."),
                actor: current.user.id)
        }
    }

    /// Accepts an invitation for the signed-in person, who must be the one invited:
    /// the link proves nothing on its own (SECURITY.md 42). They join the workspace,
    /// and this browser session moves to it.
    func accept(token: String, as current: CurrentUser) async throws -> Organization {
        let invitation = try await openInvitation(token: token, by: current)
        try await checkInvitee(invitation, current)
        // Lost to an acceptance at the same moment: that was this person's own (the invitee is checked above), a
        // double click. Not a refusal to audit; the controller waits for that acceptance to land.
        guard try await database.markOnce(Invitation.self, "accepted_at", id: invitation.id!, now: now) else {
            throw APIError(.gone, "invitation_used", "This invitation was already accepted.")
        }
        let organization = invitation.organization
        let userID = current.user.id!
        try await database.writeTransaction { db in
            if try await !Membership.exists(user: userID, organization: organization.id!, on: db) {
                try await Membership(userID: userID, organizationID: organization.id!, role: Membership.Role(rawValue: invitation.role) ?? .member).create(on: db)
            }
            if let session = current.session {
                session.$organization.id = organization.id!
                try await session.save(on: db)
            }
        }
        try await audit.record("member.joined", organization: organization.id, actor: userID, resourceType: "user", resourceID: userID.uuidString)
        return organization
    }

    /// 402 `plan_limit`, as for the other limits a larger plan lifts.
    static func membersNotInPlan(_ plan: Plan) -> APIError {
        APIError(.paymentRequired, "plan_limit",
                 "The \(plan.name) plan is for one person: members come with the Team plan. Upgrade under Settings → Billing to invite people.")
    }

    /// Records a refused invitation link and returns the error to throw.
    private func refused(_ invitation: Invitation?, _ error: APIError, actor: UUID? = nil) async throws -> APIError {
        try await audit.record("invitation.refused", organization: invitation?.$organization.id, actor: actor, resourceType: "invitation",
                               resourceID: invitation?.id?.uuidString, metadata: ["reason": error.code])
        return error
    }

    /// Makes a member of the caller's workspace an owner; how ownership moves before
    /// its last owner can delete their account.
    func makeOwner(_ current: CurrentUser, memberID: UUID) async throws {
        try await requireOwner(current)
        guard let membership = try await Membership.query(on: database).filter(\.$id == memberID)
            .filter(\.$organization.$id == current.organization.id!).first()
        else { throw APIError(.notFound, "not_found", "No such member.") }
        guard membership.role != Membership.Role.owner.rawValue else { return }
        membership.role = Membership.Role.owner.rawValue
        try await membership.save(on: database)
        try await audit.record("member.made_owner", organization: current.organization.id, actor: current.user.id,
                               resourceType: "user", resourceID: membership.$user.id.uuidString)
    }

    static let noSuchInvitation = APIError(.notFound, "not_found", "No such pending invitation.")

    /// Cancels a pending invitation of the caller's workspace; its link then answers as an unknown one.
    func revokeInvitation(_ current: CurrentUser, id: UUID) async throws {
        try await requireOwner(current)
        guard let invitation = try await Invitation.query(on: database).filter(\.$id == id)
            .filter(\.$organization.$id == current.organization.id!).filter(\.$acceptedAt == nil).first()
        else { throw Self.noSuchInvitation }
        try await invitation.delete(on: database)
        try await audit.record("invitation.revoked", organization: current.organization.id, actor: current.user.id,
                               resourceType: "invitation", resourceID: id.uuidString)
    }

    /// The pending invitations `user` sent in `organization` go with them: a removed owner's invitation
    /// (perhaps to another address of their own, as an owner) must not let them back in.
    static func cancelInvitations(sentBy user: UUID, in organization: UUID, on database: any Database) async throws -> Int {
        let pending = Invitation.query(on: database).filter(\.$invitedBy.$id == user).filter(\.$organization.$id == organization)
            .filter(\.$acceptedAt == nil)
        let count = try await pending.copy().count()
        if count > 0 { try await pending.delete() }
        return count
    }

    func remove(_ current: CurrentUser, memberID: UUID) async throws {
        try await requireOwner(current)
        let organizationID = current.organization.id!
        let userID = try await database.writeTransaction { db in
            // Locked, so two owners removing each other at once cannot leave the workspace with none.
            try await db.lockWorkspace(organizationID)
            guard let membership = try await Membership.query(on: db).filter(\.$id == memberID)
                .filter(\.$organization.$id == organizationID).first()
            else { throw APIError(.notFound, "not_found", "No such member.") }
            do { try await Self.checkNotLastOwner(membership, on: db) } catch let violation as WorkspaceRuleViolation { throw APIError(violation) }
            try await membership.delete(on: db)
            // Told by email, queued with the removal: the access ends whether or not the provider is up.
            if let email = try await User.find(membership.$user.id, on: db)?.email {
                try await MailQueue(database: db, now: now).enqueue([Self.removedNotice(to: email, workspace: current.organization.name)])
            }
            return membership.$user.id
        }
        queuedMail.signal()
        try await endAccess(of: userID, in: organizationID, action: "member.removed", actor: current.user.id!)
    }

    static func removedNotice(to email: String, workspace: String) -> EmailMessage {
        EmailMessage(
            to: email,
            subject: "You no longer have access to \(workspace) on BuildMyMCPServer",
            text: """
            An owner of the workspace \(workspace) removed you from it. Its servers, API tokens and connected apps
            no longer work for you; your own workspaces and your account are unchanged.

            If you think this is a mistake, ask one of the workspace's owners to invite you again.
            """)
    }

    /// The signed-in person leaves the current workspace; this browser moves to another workspace of theirs
    /// (a new personal one if this was their only one). An owner can leave only while another owner remains.
    func leave(_ current: CurrentUser) async throws {
        let organizationID = current.organization.id!
        let userID = current.user.id!
        try await database.writeTransaction { db in
            try await db.lockWorkspace(organizationID)
            guard let membership = try await Membership.query(on: db).filter(\.$user.$id == userID)
                .filter(\.$organization.$id == organizationID).first()
            else { throw APIError(.forbidden, "forbidden", "You are not a member of this workspace.") }
            do { try await Self.checkNotLastOwner(membership, on: db) } catch let violation as WorkspaceRuleViolation {
                // Advice that works: with other members, hand it over; alone, there is nobody to leave it to
                // (deleting the account would refuse the first case, and delete every other workspace in the second).
                let others = try await Membership.query(on: db).filter(\.$organization.$id == organizationID).count() - 1
                throw APIError(.conflict, violation.code, others > 0
                    ? "You are this workspace\u{2019}s only owner. Make another member an owner first (Settings → Workspace → Members), then leave."
                    : "You are this workspace\u{2019}s only member, so there is nobody to leave it to. Switch to another workspace instead; it stays yours.")
            }
            try await membership.delete(on: db)
            if let session = current.session {
                let next = try await PersonalWorkspace.any(for: current.user, on: db)
                session.$organization.id = next.id!
                try await session.save(on: db)
            }
        }
        try await endAccess(of: userID, in: organizationID, action: "member.left", actor: userID)
    }

    /// Core's rule that a workspace keeps an owner, counted under the workspace's lock.
    private static func checkNotLastOwner(_ membership: Membership, on db: any Database) async throws {
        let role = Membership.Role(rawValue: membership.role) ?? .member
        // Only taking away an owner needs the count.
        let owners = role == .owner ? try await Membership.query(on: db).filter(\.$organization.$id == membership.$organization.id)
            .filter(\.$role == Membership.Role.owner.rawValue).count() : 0
        try role.checkRemovable(owners: owners)
    }

    /// What someone who no longer belongs to a workspace loses there. Their API tokens and OAuth grants in it end;
    /// their browser sessions leave it (each moves to another workspace of theirs on its next request,
    /// `SessionService.find`), so they stay signed in to their own workspaces, which are untouched.
    private func endAccess(of userID: UUID, in organizationID: UUID, action: String, actor: UUID) async throws {
        try await APIToken.query(on: database).filter(\.$user.$id == userID).filter(\.$organization.$id == organizationID).delete()
        callers.forget(.member(user: userID, organization: organizationID))
        let grants = try await OAuthTokenService(database: database, now: now, random: random, callers: callers)
            .revokeGrants(in: organizationID, of: userID)
        let invitations = try await Self.cancelInvitations(sentBy: userID, in: organizationID, on: database)
        try await audit.record(action, organization: organizationID, actor: actor, resourceType: "user", resourceID: userID.uuidString,
                               metadata: ["oauth_grants_revoked": String(grants), "invitations_cancelled": String(invitations)])
    }
}

extension Request {
    func organizationService() -> OrganizationService {
        OrganizationService(database: db, now: application.clock.now(), audit: auditLog(),
                            rateLimits: application.config.rateLimits, random: application.random, callers: application.callers,
                            plans: application.config.plans, queuedMail: application.mailQueueSignal)
    }
}
