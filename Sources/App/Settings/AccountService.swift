import Fluent
import Core
import Foundation
import Vapor
import Messaging

/// The signed-in person's own account: their display name, and deleting it all.
/// The API and the settings forms both go through here.
struct AccountService: Sendable {
    let database: any Database
    let audit: AuditLog
    /// Forgets the deleted person's MCP callers on this instance at once.
    let callers: CallerCache
    /// Wakes the mail sender for the deletion notice.
    let queuedMail: WakeSignal

    /// Validates, saves and records a new display name.
    func updateDisplayName(_ raw: String, for current: CurrentUser) async throws {
        guard let name = DisplayName.normalized(raw) else {
            throw APIError(.badRequest, "invalid_display_name",
                           "Use 1 to \(DisplayName.maxLength) characters for your name, on one line, without control characters.")
        }
        current.user.displayName = name
        try await current.user.save(on: database)
        try await audit.record("account.profile_updated", organization: current.organization.id, actor: current.user.id,
                               resourceType: "user", resourceID: current.user.id?.uuidString)
    }

    /// Deletes the account after the person retyped their email or phone number.
    func delete(_ current: CurrentUser, confirm: String) async throws {
        let typed = confirm.trimmingCharacters(in: .whitespaces)
        let matches = [current.user.email, current.user.phone].compactMap { $0 }.contains { $0.lowercased() == typed.lowercased() }
        guard matches else {
            throw APIError(.unprocessableEntity, "confirmation_mismatch", "Type your email address or phone number exactly to confirm.")
        }
        let email = current.user.email
        let result: AccountDeletion.Result
        do {
            result = try await AccountDeletion(database: database).delete(current.user)
        } catch let refusal as APIError where refusal.code == "not_found" {
            // Deleted by the same request sent at the same time (a double click, a retry): that one did it, recorded
            // it and sent the notice; this one answers as it did, since what was asked is done.
            return
        } catch let refusal as APIError {
            try await audit.record("account.delete_refused", organization: current.organization.id, actor: current.user.id,
                                   resourceType: "user", resourceID: current.user.id?.uuidString, metadata: ["reason": refusal.code])
            throw refusal
        }
        // The record of the deletion itself is kept, without personal data or organization link:
        // no id, address or user agent that would tie it (and so the anonymised events) to the person.
        try await AuditLog(database: database, now: audit.now, ip: nil, userAgent: nil)
            .record("account.deleted", resourceType: "user",
                    metadata: ["organizations_deleted": String(result.deletedOrganizations.count),
                               "organizations_left": String(result.leftOrganizations.count)],
                    actorDeleted: true)
        callers.forget(.user(current.user.id!))
        for organization in result.deletedOrganizations { callers.forget(.organization(organization)) }
        // A last word to the address, so a deletion nobody asked for (a stolen session) does not go unnoticed.
        // Queued after the deletion: the account is gone either way.
        if let email {
            try? await MailQueue(database: database, now: audit.now).enqueue([Self.deletedNotice(to: email)])
            queuedMail.signal()
        }
    }

    static func deletedNotice(to email: String) -> EmailMessage {
        EmailMessage(
            to: email,
            subject: "Your BuildMyMCPServer account was deleted",
            text: """
            The account that signed in with this address was deleted, with the workspaces it owned alone, their hosted
            servers, API tokens and connected apps. Signing in with this address now starts a new, empty account.

            If you did not delete it, contact the instance's operator: the deletion cannot be undone, but they can look
            into how it happened.
            """)
    }
}

extension Request {
    func account() -> AccountService {
        AccountService(database: db, audit: auditLog(), callers: application.callers, queuedMail: application.mailQueueSignal)
    }
}
