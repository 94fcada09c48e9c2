import Fluent
import Foundation

/// An immutable snapshot of a server's spec that a build activated. Rollback
/// points the server at an older one; versions are never edited.
final class ServerVersion: Model, @unchecked Sendable {
    static let schema = "server_versions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "server_id") var server: HostedServer
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "number") var number: Int
    @Field(key: "spec_json") var specJSON: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
