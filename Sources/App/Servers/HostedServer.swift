import Core
import Fluent
import Foundation

/// A hosted MCP server owned by an organization. Until a build activates a
/// version it stays in `draft`.
final class HostedServer: Model, @unchecked Sendable {
    static let schema = "servers"

    enum Status: String, Codable, Sendable {
        case draft, building, active, failed
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @OptionalParent(key: "created_by") var creator: User?
    @Field(key: "name") var name: String
    @Field(key: "slug") var slug: String
    @Field(key: "description") var description: String
    @Enum(key: "status") var status: Status
    /// The spec the next build starts from (JSON form of `ServerSpec`).
    @Field(key: "spec_json") var specJSON: String
    /// The version MCP clients are served; nil until the first build succeeds.
    @OptionalField(key: "active_version_id") var activeVersionID: UUID?
    /// The marketplace template this server was forked from, and which of its versions.
    @OptionalField(key: "template_id") var templateID: UUID?
    @OptionalField(key: "template_version_id") var templateVersionID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// Shows the live version's name and description, which the server list, its page and the API read from
    /// here: set whenever a version goes live, by a build or a rollback.
    /// The secret keys the live version (`live`) or the spec last asked for (a build in progress, or one that
    /// failed) declares: what the Secrets tab offers and replaces; any other stored key is unused.
    func declaredSecretKeys(live: ServerSpec) -> Set<String> {
        Set((live.requiredSecrets + pendingSecrets(live: live)).map(\.key))
    }

    /// The secrets the spec last asked for declares and the live version does not.
    func pendingSecrets(live: ServerSpec) -> [RequiredSecret] {
        let liveKeys = Set(live.requiredSecrets.map(\.key))
        return ((try? SpecJSON.decode(specJSON))?.requiredSecrets ?? []).filter { !liveKeys.contains($0.key) }
    }

    func describe(as spec: ServerSpec) {
        name = spec.name
        description = spec.description
    }
}
