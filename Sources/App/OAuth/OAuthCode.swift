import Fluent
import Foundation

/// A one-time authorization code, stored hashed, bound to client, redirect URI,
/// resource and PKCE challenge.
final class OAuthCode: Model, @unchecked Sendable {
    static let schema = "oauth_codes"

    @ID(key: .id) var id: UUID?
    @Field(key: "code_hash") var codeHash: String
    @Parent(key: "grant_id") var grant: OAuthGrant
    @Field(key: "client_id") var clientID: String
    @Field(key: "redirect_uri") var redirectURI: String
    @Field(key: "code_challenge") var codeChallenge: String
    @Field(key: "resource") var resource: String
    @Field(key: "scope") var scope: String
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
