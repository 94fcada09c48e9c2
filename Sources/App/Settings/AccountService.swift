import Fluent
import Core
import Foundation
import Vapor

/// The signed-in person's own account: their display name, and deleting it all.
/// The API and the settings forms both go through here.
struct AccountService: Sendable {
    let database: any Database
    let audit: AuditLog
    /// Forgets the deleted person's MCP callers on this instance at once.
    let callers: CallerCache

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
        let result: AccountDeletion.Result
        do {
            result = try await AccountDeletion(database: database).delete(current.user)
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
    }
}

extension Request {
    func account() -> AccountService {
        AccountService(database: db, audit: auditLog(), callers: application.callers)
    }
}
