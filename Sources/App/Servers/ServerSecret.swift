import Fluent
import Foundation

/// One secret value of a hosted server, sealed by `SecretBox`. Never decrypted
/// for display: values are write-only.
final class ServerSecret: Model, @unchecked Sendable {
    static let schema = "server_secrets"

    @ID(key: .id) var id: UUID?
    @Parent(key: "server_id") var server: HostedServer
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "key") var key: String
    /// `SecretBox` envelope: key id, nonce, ciphertext and tag.
    @Field(key: "sealed") var sealed: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}
