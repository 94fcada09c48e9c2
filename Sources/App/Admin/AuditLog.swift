import Fluent
import Foundation
import Vapor

/// Writes audit events. Metadata is a small flat object and must never hold secrets.
struct AuditLog: Sendable {
    let database: any Database
    let now: Date
    let ip: String?
    let userAgent: String?

    init(database: any Database, now: Date, ip: String?, userAgent: String?) {
        self.database = database
        // Whole milliseconds: the time survives every database's round trip exactly,
        // which keeps `/v1/audit` cursors (time + id) stable.
        self.now = Date(timeIntervalSince1970: (now.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
        self.ip = ip
        self.userAgent = userAgent
    }

    /// The same log writing through `database` (a transaction's, so the event
    /// commits or rolls back with the change it records).
    func on(_ database: any Database) -> AuditLog {
        AuditLog(database: database, now: now, ip: ip, userAgent: userAgent)
    }

    func record(
        _ action: String,
        organization: UUID? = nil,
        actor: UUID? = nil,
        resourceType: String? = nil,
        resourceID: String? = nil,
        metadata: [String: String] = [:],
        actorDeleted: Bool = false
    ) async throws {
        let event = AuditEvent()
        event.organizationID = organization
        event.actorUserID = actor
        event.actorDeleted = actorDeleted
        event.action = action
        event.resourceType = resourceType
        event.resourceID = resourceID
        event.ip = ip
        event.userAgent = userAgent
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]  // paths in metadata read with plain slashes on the audit page
        event.metadata = String(decoding: try encoder.encode(metadata), as: UTF8.self)
        event.createdAt = now
        try await event.create(on: database)
    }
}

extension Request {
    /// An audit log that records who asked, from where, at the app clock's time.
    func auditLog(database: (any Database)? = nil) -> AuditLog {
        AuditLog(database: database ?? db, now: application.clock.now(), ip: client.text,
                 userAgent: headers.first(name: .userAgent).map { String($0.prefix(300)) })
    }
}

extension AuditLog {
    /// An administrator's action on a workspace or its template, recorded twice: in full in the platform's log
    /// (`/admin/audit`), where administrators answer for each other's suspensions, plan overrides and takedowns;
    /// and in the workspace's own log as the platform's doing, without the administrator's name, address or
    /// browser (the workspace learns what was done and when; it kept only there, no administrator could review it,
    /// and the moderated workspace read its moderator's address).
    func recordAdministration(
        _ action: String, organization: UUID?, actor: UUID?, resourceType: String, resourceID: String?, metadata: [String: String] = [:]
    ) async throws {
        var platform = metadata
        if let organization { platform["organization"] = organization.uuidString }
        try await record(action, organization: nil, actor: actor, resourceType: resourceType, resourceID: resourceID, metadata: platform)
        guard let organization else { return }
        var workspace = metadata
        workspace["by"] = "platform administrator"
        try await AuditLog(database: database, now: now, ip: nil, userAgent: nil)
            .record(action, organization: organization, resourceType: resourceType, resourceID: resourceID, metadata: workspace)
    }
}
