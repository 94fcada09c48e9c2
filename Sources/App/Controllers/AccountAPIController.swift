import Fluent
import Foundation
import Vapor

/// `/v1/tokens`, `/v1/account` and `/v1/audit`: the signed-in person's own data.
enum AccountAPIController {
    struct TokenRequest: Content {
        let name: String
        let expiresInDays: Int?
    }

    struct TokenInfo: Content {
        let id: UUID
        let name: String
        let hint: String
        let createdAt: Date
        let lastUsedAt: Date?
        let expiresAt: Date?
        /// Only in the answer to creation: shown once, never stored.
        let token: String?

        init(_ token: APIToken, secret: String? = nil) {
            id = token.id!
            name = token.name
            hint = token.hint
            createdAt = token.createdAt
            lastUsedAt = token.lastUsedAt
            expiresAt = token.expiresAt
            self.token = secret
        }
    }

    struct TokenList: Content {
        let tokens: [TokenInfo]
    }

    struct ProfileRequest: Content {
        let displayName: String
    }

    struct DeleteRequest: Content {
        let confirm: String
    }

    static func createToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try req.content.decode(TokenRequest.self)
        let (token, secret) = try await req.tokenService().create(name: body.name, expiresInDays: body.expiresInDays, for: current)
        return try await TokenInfo(token, secret: secret).encodeResponse(status: .created, for: req).noStore()
    }

    static func listTokens(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let tokens = try await req.tokenService().list(for: current)
        return try await TokenList(tokens: tokens.map { TokenInfo($0) }).encodeResponse(for: req).noStore()
    }

    static func revokeToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let id = req.parameters.get("id", as: UUID.self) else {
            throw APIError(.notFound, "not_found", "No such token.")
        }
        _ = try await req.tokenService().revoke(id: id, for: current)
        return Response(status: .noContent).noStore()
    }

    static func updateProfile(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try req.content.decode(ProfileRequest.self)
        try await updateDisplayName(body.displayName, for: current, req)
        return try await AuthAPIController.currentUser(req)
    }

    static func deleteAccount(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try req.content.decode(DeleteRequest.self)
        try await performDeletion(req, current, confirm: body.confirm)
        let response = Response(status: .noContent)
        req.accounts.cookies.clearSignIn(on: response)
        return response.noStore()
    }

    /// Deletes the account after the person retyped their email or phone number.
    static func performDeletion(_ req: Request, _ current: CurrentUser, confirm: String) async throws {
        let typed = confirm.trimmingCharacters(in: .whitespaces)
        let matches = [current.user.email, current.user.phone].compactMap { $0 }.contains { $0.lowercased() == typed.lowercased() }
        guard matches else {
            throw APIError(.unprocessableEntity, "confirmation_mismatch", "Type your email address or phone number exactly to confirm.")
        }
        let result = try await AccountDeletion(database: req.db).delete(current.user)
        // The record of the deletion itself is kept, without personal data or organization link.
        try await AuditLog(request: req).record("account.deleted", actor: current.user.id, resourceType: "user",
                                                resourceID: current.user.id?.uuidString,
                                                metadata: ["organizations_deleted": String(result.deletedOrganizations.count)])
    }

    /// Validates, saves and records a new display name (API and settings form alike).
    static func updateDisplayName(_ raw: String, for current: CurrentUser, _ req: Request) async throws {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...80).contains(name.count), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw APIError(.badRequest, "invalid_display_name", "Use 1 to 80 characters for your name.")
        }
        current.user.displayName = name
        try await current.user.save(on: req.db)
        try await AuditLog(request: req).record("account.profile_updated", organization: current.organization.id, actor: current.user.id,
                                                resourceType: "user", resourceID: current.user.id?.uuidString)
    }
}
