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
        let (rows, next) = try await search(req, organization: current.organization.id!)
        let events = rows.map { event in
            Event(
                id: event.id!, action: event.action, actorUserId: event.actorUserID, resourceType: event.resourceType,
                resourceId: event.resourceID, ip: event.ip, userAgent: event.userAgent,
                metadata: metadata(event), createdAt: event.createdAt
            )
        }
        return try await Page(events: events, nextCursor: next).encodeResponse(for: req).noStore()
    }

    /// One page of the organization's events, filtered by the request's query
    /// (`action`, `actor`, `resource`, `from`, `to`, `limit`, `cursor`); shared with `/audit`.
    static func search(_ req: Request, organization: UUID) async throws -> ([AuditEvent], nextCursor: String?) {
        let limit = min(max(req.query[Int.self, at: "limit"] ?? 50, 1), 200)
        let query = AuditEvent.query(on: req.db).filter(\.$organizationID == organization)
        if let action = req.query[String.self, at: "action"], !action.isEmpty { query.filter(\.$action == action) }
        if let actor = req.query[String.self, at: "actor"], !actor.isEmpty {
            guard let actorID = UUID(uuidString: actor) else { throw APIError(.badRequest, "invalid_actor", "actor must be a user id.") }
            query.filter(\.$actorUserID == actorID)
        }
        if let resource = req.query[String.self, at: "resource"], !resource.isEmpty {
            query.group(.or) { group in
                group.filter(\.$resourceID == resource)
                group.filter(\.$resourceType == resource)
            }
        }
        if let from = try date(req, "from") { query.filter(\.$createdAt >= from) }
        if let to = try date(req, "to") { query.filter(\.$createdAt < to) }
        if let cursor = req.query[String.self, at: "cursor"], !cursor.isEmpty {
            let (time, id) = try decodeCursor(cursor)
            query.group(.or) { group in
                group.filter(\.$createdAt < time)
                group.group(.and) { same in
                    same.filter(\.$createdAt == time)
                    same.filter(\.$id < id)
                }
            }
        }
        let rows = try await query.sort(\.$createdAt, .descending).sort(\.$id, .descending).limit(limit + 1).all()
        let page = Array(rows.prefix(limit))
        let next = rows.count > limit ? page.last.map { encodeCursor($0.createdAt, $0.id!) } : nil
        return (page, next)
    }

    static func metadata(_ event: AuditEvent) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(event.metadata.utf8))) ?? [:]
    }

    /// An ISO 8601 time, or a plain `YYYY-MM-DD` day (what date inputs send) as midnight UTC.
    private static func date(_ req: Request, _ name: String) throws -> Date? {
        guard let text = req.query[String.self, at: name], !text.isEmpty else { return nil }
        guard let date = ISO8601DateFormatter().date(from: text) ?? ChangelogEntry.parseDate(text) else {
            throw APIError(.badRequest, "invalid_\(name)", "\(name) must be an ISO 8601 time such as 2026-11-25T00:00:00Z.")
        }
        return date
    }

    static func encodeCursor(_ date: Date, _ id: UUID) -> String {
        Data("\(Int64((date.timeIntervalSince1970 * 1000).rounded()))|\(id.uuidString)".utf8).base64EncodedString()
    }

    static func decodeCursor(_ cursor: String) throws -> (Date, UUID) {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8) else {
            throw APIError(.badRequest, "invalid_cursor", "The cursor is not one this API gave out.")
        }
        let parts = text.split(separator: "|")
        guard parts.count == 2, let milliseconds = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw APIError(.badRequest, "invalid_cursor", "The cursor is not one this API gave out.")
        }
        return (Date(timeIntervalSince1970: Double(milliseconds) / 1000), id)
    }
}
