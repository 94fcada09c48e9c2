import Foundation

/// Who a bearer token on the MCP endpoint speaks for. Plain values, not models: the
/// endpoint looks this up in one query (`APITokenService.caller`, `OAuthTokenService.caller`)
/// and keeps it for at most a second (`CallerCache`), so a revoked token stops working
/// at once here and within that second everywhere, and an expired one at its expiry.
struct BearerCaller: Sendable, Equatable {
    let userID: UUID
    let organizationID: UUID
    let organizationSuspended: Bool
    /// OAuth scopes, space-separated; nil for personal API tokens (they carry every scope).
    var scope: String?
    /// The OAuth grant the token was issued under; nil for personal API tokens.
    var grantID: UUID?
    /// When the token stops working, if it ever does.
    var expiresAt: Date?
    /// The one server a personal API token was made for; nil when it reaches every server of its workspace.
    var serverID: UUID?
}
