import Foundation

/// Who a bearer token on the MCP endpoint speaks for. Plain values, not models: the
/// endpoint looks this up on every tool call, in one query (`APITokenService.caller`,
/// `OAuthTokenService.caller`), so a revoked or expired token stops working at once.
struct BearerCaller: Sendable, Equatable {
    let userID: UUID
    let organizationID: UUID
    let organizationSuspended: Bool
    /// OAuth scopes, space-separated; nil for personal API tokens (they carry every scope).
    var scope: String?
}
