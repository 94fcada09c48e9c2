import Fluent
import Foundation
import Vapor

/// Writes audit events. Metadata is a small flat object and must never hold secrets.
struct AuditLog: Sendable {
    let database: any Database
    let now: Date
    let ip: String?
    let userAgent: String?

    init(request: Request, database: (any Database)? = nil) {
        self.database = database ?? request.db
        // Whole milliseconds: the time survives every database's round trip exactly,
        // which keeps `/v1/audit` cursors (time + id) stable.
        let now = request.application.clock.now()
        self.now = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        self.ip = request.remoteAddress?.ipAddress
        self.userAgent = request.headers.first(name: .userAgent).map { String($0.prefix(300)) }
    }

    func record(
        _ action: String,
        organization: UUID? = nil,
        actor: UUID? = nil,
        resourceType: String? = nil,
        resourceID: String? = nil,
        metadata: [String: String] = [:]
    ) async throws {
        let event = AuditEvent()
        event.organizationID = organization
        event.actorUserID = actor
        event.action = action
        event.resourceType = resourceType
        event.resourceID = resourceID
        event.ip = ip
        event.userAgent = userAgent
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        event.metadata = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        event.createdAt = now
        try await event.create(on: database)
    }
}
