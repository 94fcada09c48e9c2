import Fluent
import Foundation
import Vapor

/// `GET /v1/audit`: the organization's audit log, newest first, with cursor
/// pagination and filters by action, actor and time range.
enum AuditAPIController {
    struct Event: Content {
        let id: UUID
        let action: String
        let actorUserId: UUID?
        /// The actor deleted their account since (`actorUserId` is then absent).
        let actorDeleted: Bool
        let resourceType: String?
        let resourceId: String?
        let ip: String?
        let userAgent: String?
        let metadata: [String: String]
        let createdAt: Date
    }

    struct Page: Content {
        let events: [Event]
        /// Pass as `cursor` for the next page; absent on the last page.
        let nextCursor: String?
    }

    static func list(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let onlyActor = try await AuditVisibility.onlyActor(current, on: req.db)
        let (rows, next) = try await AuditLogQuery(database: req.db).page(.organization(current.organization.id!), onlyActor: onlyActor, .init(req))
        let events = rows.map { event in
            Event(
                id: event.id!, action: event.action, actorUserId: event.actorUserID, actorDeleted: event.actorDeleted, resourceType: event.resourceType,
                resourceId: event.resourceID, ip: event.ip, userAgent: event.userAgent,
                metadata: event.metadataValues, createdAt: event.createdAt
            )
        }
        return try req.json(Page(events: events, nextCursor: next)).noStore()
    }
}
