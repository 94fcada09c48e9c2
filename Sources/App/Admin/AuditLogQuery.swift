import Fluent
import Foundation
import Vapor

/// Whose events a page of the audit log reads.
enum AuditScope: Sendable {
    /// One workspace's: what its `/audit` page and `/v1/audit` show.
    case organization(UUID)
    /// The events that belong to no workspace (a sign-in attempt for an address with no account, a link that was
    /// never sent, `bmm admin grant`): the platform administrators' page.
    case platform
}

/// One page of audit events, newest first, filtered and paged by cursor: what `/v1/audit` answers and `/audit`
/// and `/admin/audit` show.
struct AuditLogQuery: Sendable {
    /// The filters a request may carry (`action`, `actor`, `resource`, `from`, `to`, `limit`, `cursor`).
    struct Filters: Sendable {
        var action: String?
        var actor: String?
        var resource: String?
        var from: String?
        var to: String?
        /// As sent; `page` checks it is a whole number from 1 to 200.
        var limit: String?
        var cursor: String?

        init(_ request: Request) {
            func text(_ name: String) -> String? { request.queryText(name).flatMap { $0.isEmpty ? nil : $0 } }
            action = text("action")
            actor = text("actor")
            resource = text("resource")
            from = text("from")
            to = text("to")
            limit = text("limit")
            cursor = text("cursor")
        }
    }

    let database: any Database

    /// `onlyActor`: a member's view, their own events only (`AuditVisibility`).
    func page(_ scope: AuditScope, onlyActor: UUID? = nil, _ filters: Filters) async throws -> (events: [AuditEvent], nextCursor: String?) {
        var limit = 50
        if let text = filters.limit {
            // Out of range is refused rather than clamped: the caller learns its page is not what it asked for.
            guard let asked = Int(text), (1...200).contains(asked) else {
                throw APIError(.badRequest, "invalid_limit", "limit must be a whole number from 1 to 200.")
            }
            limit = asked
        }
        let query = AuditEvent.query(on: database)
        switch scope {
        case .organization(let id): query.filter(\.$organizationID == id)
        case .platform: query.filter(\.$organizationID == nil)
        }
        if let action = filters.action { query.filter(\.$action == action) }
        if let onlyActor { query.filter(\.$actorUserID == onlyActor) }
        if let actor = filters.actor {
            guard let actorID = UUID(uuidString: actor) else { throw APIError(.badRequest, "invalid_actor", "actor must be a user id.") }
            query.filter(\.$actorUserID == actorID)
        }
        if let resource = filters.resource {
            // Ids are stored as `uuidString` spells them (capitals), and callers may copy one from an endpoint URL
            // (lowercase): ids are case-insensitive everywhere in the API.
            let asID = UUID(uuidString: resource)?.uuidString
            query.group(.or) { group in
                group.filter(\.$resourceID == resource)
                if let asID, asID != resource { group.filter(\.$resourceID == asID) }
                group.filter(\.$resourceType == resource)
            }
        }
        if let from = try Self.date(filters.from, "from") { query.filter(\.$createdAt >= from) }
        if let to = try Self.date(filters.to, "to") { query.filter(\.$createdAt < to) }
        if let cursor = filters.cursor {
            let (time, id) = try Self.decodeCursor(cursor)
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
        let next = rows.count > limit ? page.last.map { Self.encodeCursor($0.createdAt, $0.id!) } : nil
        return (page, next)
    }

    /// An ISO 8601 time, or a plain `YYYY-MM-DD` day (what date inputs send) as midnight UTC.
    private static func date(_ text: String?, _ name: String) throws -> Date? {
        guard let text else { return nil }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text) ?? ChangelogEntry.parseDate(text) else {
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

extension AuditEvent {
    /// The event's metadata (stored as a JSON object of strings).
    var metadataValues: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(metadata.utf8))) ?? [:]
    }
}
