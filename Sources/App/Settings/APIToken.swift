import Fluent
import Foundation

/// A personal API token: `bmm_` + 256 random bits, shown once, stored as SHA-256.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"
    static let prefix = "bmm_"

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "user_id") var user: User
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    /// The last four characters, so people can tell their tokens apart.
    @Field(key: "hint") var hint: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @OptionalField(key: "expires_at") var expiresAt: Date?
    /// `mcp`, `api` or both, space-separated; `full` for tokens older than scopes (`APITokenScope`).
    @Field(key: "scopes") var scopes: String
    /// The token this one was made with, if it was made with one: revoking that revokes this.
    @OptionalField(key: "parent_token_id") var parentTokenID: UUID?
    /// The one hosted server this token reaches; nil for every server of the workspace. Only `mcp` tokens have one.
    @OptionalField(key: "server_id") var serverID: UUID?

    init() {}
}
