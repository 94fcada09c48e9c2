import Fluent
import Foundation

/// A client that registered (RFC 7591) or identified itself by a metadata
/// document URL. Public clients only: PKCE replaces a client secret.
final class OAuthClient: Model, @unchecked Sendable {
    static let schema = "oauth_clients"

    @ID(key: .id) var id: UUID?
    @Field(key: "client_id") var clientID: String
    @Field(key: "client_name") var clientName: String
    /// JSON array of the exact redirect URIs.
    @Field(key: "redirect_uris") var redirectURIsJSON: String
    /// `dcr` (registered here) or `cimd` (metadata document at `client_id`).
    @Field(key: "kind") var kind: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_used_at") var lastUsedAt: Date

    init() {}

    var redirectURIs: [String] {
        (try? JSONDecoder().decode([String].self, from: Data(redirectURIsJSON.utf8))) ?? []
    }
}
