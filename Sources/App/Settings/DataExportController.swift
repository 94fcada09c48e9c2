import Fluent
import Foundation
import Vapor

/// `GET /v1/account/export`: everything stored about the signed-in person, as
/// JSON. Secrets (token values and hashes, session ids) are never included.
enum DataExportController {
    struct Export: Content {
        struct UserRecord: Content {
            let id: UUID
            let email: String?
            let phone: String?
            let displayName: String
            let createdAt: Date?
        }
        struct MembershipRecord: Content {
            let organizationId: UUID
            let organizationName: String
            let plan: String
            let role: String
            let joinedAt: Date?
        }
        struct SessionRecord: Content {
            let createdAt: Date
            let lastSeenAt: Date
            let ip: String?
            let userAgent: String?
        }
        struct TokenRecord: Content {
            let name: String
            let createdAt: Date
            let lastUsedAt: Date?
            let expiresAt: Date?
        }
        struct EventRecord: Content {
            let action: String
            let resourceType: String?
            let resourceId: String?
            let ip: String?
            let createdAt: Date
        }
        let exportedAt: Date
        let user: UserRecord
        let memberships: [MembershipRecord]
        let sessions: [SessionRecord]
        let apiTokens: [TokenRecord]
        let auditEvents: [EventRecord]
    }

    static func export(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let export = try await DataExportQuery(database: req.db).load(current, at: req.application.clock.now())
        let response = try req.json(export).noStore()
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"buildmymcpserver-data.json\"")
        return response
    }
}
