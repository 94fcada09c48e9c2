import Vapor

/// An OAuth error answer (RFC 6749 §5.2): `{"error", "error_description"}`,
/// never cached.
struct OAuthError: AbortError, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let reason: String
    /// RFC 6749 §5.2: a client that authenticated with the Authorization header and failed is
    /// told the scheme in `WWW-Authenticate`.
    let challenge: String?
    /// A refusal that revoked a grant or its tokens (a reused refresh token, a replayed code, a departed member):
    /// the workspace whose audit log says so, and why.
    var revoked: (workspace: UUID, reason: String)?

    init(_ code: String, _ description: String, status: HTTPResponseStatus = .badRequest, challenge: String? = nil) {
        self.status = status
        self.code = code
        self.reason = description
        self.challenge = challenge
    }

    func response(for req: Request) throws -> Response {
        let body = try JSONSerialization.data(withJSONObject: ["error": code, "error_description": reason], options: [.sortedKeys])
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"]
        if let challenge { headers.add(name: .wwwAuthenticate, value: challenge) }
        return Response(status: status, headers: headers, body: .init(data: body))
    }
}

extension OAuthError {
    static func invalidGrant(_ description: String) -> OAuthError { OAuthError("invalid_grant", description) }
    static func invalidRequest(_ description: String) -> OAuthError { OAuthError("invalid_request", description) }
    static func invalidClient(_ description: String, challenge: String? = nil) -> OAuthError {
        OAuthError("invalid_client", description, status: .unauthorized, challenge: challenge)
    }
}

extension OAuthError {
    func revoking(in workspace: UUID, because reason: String) -> OAuthError {
        var error = self
        error.revoked = (workspace, reason)
        return error
    }
}
