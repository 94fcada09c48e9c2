import Fluent
import Foundation

/// Append-only record of who did what, when (UTC) and from where.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @OptionalField(key: "organization_id") var organizationID: UUID?
    @OptionalField(key: "actor_user_id") var actorUserID: UUID?
    /// The actor deleted their account: their id is gone, and the log says so instead of "System".
    @Field(key: "actor_deleted") var actorDeleted: Bool
    @Field(key: "action") var action: String
    @OptionalField(key: "resource_type") var resourceType: String?
    @OptionalField(key: "resource_id") var resourceID: String?
    @OptionalField(key: "ip") var ip: String?
    @OptionalField(key: "user_agent") var userAgent: String?
    /// Small JSON object; never secrets.
    @Field(key: "metadata") var metadata: String
    @Field(key: "created_at") var createdAt: Date

    init() {
        // Every writer (AuditLog, the admin command) gets it without naming it.
        actorDeleted = false
    }
}
