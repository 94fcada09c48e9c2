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
        let userID = try current.user.requireID()
        let memberships = try await Membership.query(on: req.db).filter(\.$user.$id == userID).with(\.$organization).all()
        let export = Export(
            exportedAt: req.application.clock.now(),
            user: .init(id: userID, email: current.user.email, phone: current.user.phone,
                        displayName: current.user.displayName, createdAt: current.user.createdAt),
            memberships: memberships.map {
                .init(organizationId: $0.organization.id!, organizationName: $0.organization.name,
                      plan: $0.organization.plan, role: $0.role, joinedAt: $0.createdAt)
            },
            sessions: try await Session.query(on: req.db).filter(\.$user.$id == userID).all().map {
                .init(createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, ip: $0.ip, userAgent: $0.userAgent)
            },
            apiTokens: try await APIToken.query(on: req.db).filter(\.$user.$id == userID).all().map {
                .init(name: $0.name, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, expiresAt: $0.expiresAt)
            },
            auditEvents: try await AuditEvent.query(on: req.db).filter(\.$actorUserID == userID).sort(\.$createdAt).all().map {
                .init(action: $0.action, resourceType: $0.resourceType, resourceId: $0.resourceID, ip: $0.ip, createdAt: $0.createdAt)
            }
        )
        let response = try req.json(export).noStore()
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"buildmymcpserver-data.json\"")
        return response
    }
}
