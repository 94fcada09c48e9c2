import Vapor

/// An OAuth error answer (RFC 6749 §5.2): `{"error", "error_description"}`,
/// never cached.
struct OAuthError: AbortError, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let reason: String

    init(_ code: String, _ description: String, status: HTTPResponseStatus = .badRequest) {
        self.status = status
        self.code = code
        self.reason = description
    }

    func response(for req: Request) throws -> Response {
        let body = try JSONSerialization.data(withJSONObject: ["error": code, "error_description": reason], options: [.sortedKeys])
        return Response(status: status, headers: ["Content-Type": "application/json", "Cache-Control": "no-store", "Pragma": "no-cache"],
                        body: .init(data: body))
    }
}

extension OAuthError {
    static func invalidGrant(_ description: String) -> OAuthError { OAuthError("invalid_grant", description) }
    static func invalidRequest(_ description: String) -> OAuthError { OAuthError("invalid_request", description) }
}
