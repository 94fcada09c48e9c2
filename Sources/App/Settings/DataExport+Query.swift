import Fluent
import Foundation

/// Everything stored about one person, for `GET /v1/account/export`.
struct DataExportQuery: Sendable {
    let database: any Database

    func load(_ current: CurrentUser, at now: Date) async throws -> DataExportController.Export {
        let userID = try current.user.requireID()
        let memberships = try await Membership.query(on: database).filter(\.$user.$id == userID).with(\.$organization).all()
        return DataExportController.Export(
            exportedAt: now,
            user: .init(id: userID, email: current.user.email, phone: current.user.phone,
                        displayName: current.user.displayName, createdAt: current.user.createdAt),
            memberships: memberships.map {
                .init(organizationId: $0.organization.id!, organizationName: $0.organization.name,
                      plan: $0.organization.plan, role: $0.role, joinedAt: $0.createdAt)
            },
            sessions: try await Session.query(on: database).filter(\.$user.$id == userID).all().map {
                .init(createdAt: $0.createdAt, lastSeenAt: $0.lastSeenAt, ip: $0.ip, userAgent: $0.userAgent)
            },
            apiTokens: try await APIToken.query(on: database).filter(\.$user.$id == userID).all().map {
                .init(name: $0.name, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt, expiresAt: $0.expiresAt)
            },
            auditEvents: try await AuditEvent.query(on: database).filter(\.$actorUserID == userID).sort(\.$createdAt).all().map {
                .init(action: $0.action, resourceType: $0.resourceType, resourceId: $0.resourceID, ip: $0.ip, createdAt: $0.createdAt)
            }
        )
    }
}
