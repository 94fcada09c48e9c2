import Core
import Fluent
import Foundation
import Messaging
import SQLKit
import Vapor

/// Changing (or, for someone who signs in by phone, adding) the email address a person signs in with. The link
/// goes to the new address and only its own account can use it, so a change needs both the signed-in account and
/// the new mailbox; the old address is told afterwards.
struct EmailChangeService: Sendable {
    let database: any Database
    let now: Date
    let audit: AuditLog
    let rateLimits: RateLimitPolicy
    let random: AppRandom
    let mailer: any Mailer
    let queuedMail: WakeSignal
    let publicURL: String

    /// Sends the confirmation link. The page answers the same whether or not another account has the address
    /// (that would tell anyone whose address is registered): the new address is told instead.
    /// How recent a sign-in must be to change the address signed in with (OWASP ASVS V7.5.1: re-authentication
    /// before an authentication factor changes): a session taken over later cannot move the account to another mailbox.
    static let recentSignIn: TimeInterval = 15 * 60

    static let reauthenticationRequired = APIError(.forbidden, "reauthentication_required",
        "For your safety, changing the email you sign in with needs a sign-in from the last 15 minutes. Sign in again with the "
            + "button below (it sends a link or a code to what you sign in with now), then change it.")

    func request(_ current: CurrentUser, email: EmailAddress) async throws {
        let userID = try current.user.requireID()
        if email.normalized == current.user.email {
            throw APIError(.unprocessableEntity, "same_email", "That is already the email address you sign in with.")
        }
        guard let session = current.session, session.createdAt > now.addingTimeInterval(-Self.recentSignIn) else {
            throw Self.reauthenticationRequired
        }
        try await RateLimiter(database: database, now: now).hit("email-change:" + userID.uuidString, rateLimits.emailChangesPerUser)
        try await EmailChange.query(on: database).filter(\.$user.$id == userID).filter(\.$confirmedAt == nil).delete()
        let message: EmailMessage
        if try await User.query(on: database).filter(\.$email == email.normalized).count() > 0 {
            message = EmailMessage(
                to: email.normalized,
                subject: "This address already has a BuildMyMCPServer account",
                text: """
                Someone signed in to BuildMyMCPServer asked to sign in to their account with this address from now on.
                This address already belongs to an account, so nothing changed.

                If that was you, you can sign in with this address as it is, or delete one of the two accounts
                (Settings → Delete account) and try again. If it was not you, ignore this email.
                """)
        } else {
            let token = random.token()
            try await EmailChange(userID: userID, email: email.normalized, tokenHash: SecretToken.sha256(token), now: now).create(on: database)
            let link = SiteRoute.settingsAction(.confirmEmail).url(base: publicURL, QueryString([("token", token)]))
            message = EmailMessage(
                to: email.normalized,
                subject: "Confirm your new sign-in email for BuildMyMCPServer",
                text: """
                Open this link to sign in to BuildMyMCPServer with this address from now on:

                \(link)

                It works once, for one hour, while you are signed in to the account that asked for it.
                If you did not ask for this, ignore this email: nothing changes.
                """)
        }
        do {
            try await mailer.send(message)
        } catch {
            throw APIError(.serviceUnavailable, "delivery_failed", "We could not send the confirmation right now. Try again in a minute.")
        }
        try await audit.record("account.email_change_requested", organization: current.organization.id, actor: userID,
                               resourceType: "user", resourceID: userID.uuidString, metadata: ["email": email.masked])
    }

    /// The change behind a link, if the signed-in person may still confirm it.
    func open(token: String, as current: CurrentUser) async throws -> EmailChange {
        guard let change = try await EmailChange.query(on: database).filter(\.$tokenHash == SecretToken.sha256(token)).first() else {
            throw APIError(.notFound, "unknown_link", "This confirmation link is not valid. Ask for a new one under Settings.")
        }
        guard change.$user.id == current.user.id else {
            throw APIError(.forbidden, "wrong_account",
                           "This link is for another account. Sign in to the account that asked for the change, and open it again.")
        }
        if change.confirmedAt != nil {
            throw APIError(.gone, "link_used", "This confirmation link was already used.")
        }
        if change.expiresAt <= now {
            throw APIError(.gone, "link_expired", "This confirmation link has expired: links work for one hour. Ask for a new one under Settings.")
        }
        return change
    }

    /// Makes the new address the one the person signs in with, and tells the old one. Every other browser signed in
    /// to the account is signed out (ASVS V7.4.3): whoever else held a session keeps nothing of the old sign-in.
    func confirm(token: String, as current: CurrentUser) async throws {
        let change = try await open(token: token, as: current)
        let user = current.user
        let old = user.email
        let new = try EmailAddress.parse(change.email)
        do {
            try await database.writeTransaction { db in
                guard try await db.markOnce(EmailChange.self, "confirmed_at", id: change.id!, now: now) else {
                    throw APIError(.gone, "link_used", "This confirmation link was already used.")
                }
                if try await User.query(on: db).filter(\.$email == change.email).filter(\.$id != user.requireID()).count() > 0 {
                    throw Self.taken
                }
                user.email = change.email
                // A display name nobody chose is the address's local part (`LoginService`), which the marketplace
                // keeps anonymous only while it matches the current address: it follows the address, or the old
                // address's local part would become the public author name.
                if let old, user.displayName.lowercased() == Self.localPart(old).lowercased() {
                    user.displayName = Self.localPart(change.email)
                }
                try await user.save(on: db)
                var others = Session.query(on: db).filter(\.$user.$id == (try user.requireID()))
                if let kept = current.session?.id { others = others.filter(\.$id != kept) }
                try await others.delete()
                // A sign-in link still on its way to the old address would now open a new, empty account.
                if let old {
                    try await LoginChallenge.query(on: db).filter(\.$target == old).filter(\.$consumedAt == nil).delete()
                    // The invitations the person accepted follow the address, as their account does: deleting the
                    // account later finds them (`AccountDeletion`), and an accepted link opened again still counts
                    // as theirs.
                    let workspaces = try await Membership.query(on: db).filter(\.$user.$id == user.requireID()).all().map(\.$organization.id)
                    if !workspaces.isEmpty {
                        try await Invitation.query(on: db).filter(\.$email == old).filter(\.$acceptedAt != nil)
                            .filter(\.$organization.$id ~~ workspaces).set(\.$email, to: change.email).update()
                    }
                    try await MailQueue(database: db, now: now).enqueue([Self.changedNotice(to: old, new: new)])
                }
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            // Another account took the address between the check and the write.
            throw Self.taken
        }
        queuedMail.signal()
        try await audit.record("account.email_changed", organization: current.organization.id, actor: user.id,
                               resourceType: "user", resourceID: user.id?.uuidString,
                               metadata: ["from": old.flatMap { try? EmailAddress.parse($0).masked } ?? "none", "to": new.masked])
    }

    private static func localPart(_ email: String) -> String {
        String(email.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)[0])
    }

    /// Tells the old address, queued with the change (`MailQueue`): the change stands if the provider is down,
    /// and the notice follows when it is back.
    private static func changedNotice(to old: String, new: EmailAddress) -> EmailMessage {
        EmailMessage(
            to: old,
            subject: "Your BuildMyMCPServer sign-in email was changed",
            text: """
            The account that signed in with this address now signs in with \(new.masked).
            Sign-in links are no longer sent here.

            If you did not make this change, sign in with the new address if you can and change it back under
            Settings, or contact the instance's operator.
            """)
    }

    static let taken = APIError(.conflict, "email_taken", "Another account signs in with this address now, so it cannot be yours as well.")
}

extension Request {
    func emailChanges() -> EmailChangeService {
        EmailChangeService(database: db, now: application.clock.now(), audit: auditLog(), rateLimits: application.config.rateLimits,
                           random: application.random, mailer: accounts.mailer, queuedMail: application.mailQueueSignal,
                           publicURL: accounts.publicURL)
    }
}
