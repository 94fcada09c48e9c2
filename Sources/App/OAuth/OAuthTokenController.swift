import Fluent
import Vapor

/// `/oauth/register`, `/oauth/token` and `/oauth/revoke`: machine endpoints for
/// public clients (no cookies, no CSRF; PKCE binds the code to its requester).
enum OAuthTokenController {
    static func register(_ req: Request) async throws -> Response {
        let request: OAuthClients.RegistrationRequest
        do {
            request = try req.content.decode(OAuthClients.RegistrationRequest.self)
        } catch {
            throw OAuthError("invalid_client_metadata", "The registration is not valid JSON client metadata.")
        }
        let registered = try await req.oauthClients().register(request)
        return try req.json(registered, status: .created).noStore()
    }

    /// A missing, empty or undecodable form is the client's malformed request: RFC 6749 §5.2 and
    /// RFC 7009 §2.2.1 answer it 400 `invalid_request`, where Vapor would say 415 or 422.
    private static func decodeForm<Form: Content>(_ type: Form.Type, _ req: Request) throws -> Form {
        do {
            return try req.content.decode(type)
        } catch {
            throw OAuthError.invalidRequest("The body must be an application/x-www-form-urlencoded form.")
        }
    }

    struct TokenRequest: Content {
        var grant_type: String?
        var code: String?
        var redirect_uri: String?
        var client_id: String?
        var code_verifier: String?
        var refresh_token: String?
        var resource: String?
    }

    static func token(_ req: Request) async throws -> Response {
        let form = try decodeForm(TokenRequest.self, req)
        let service = req.oauthTokens()
        // Compared as at /oauth/authorize: the same server's URL in another spelling is the same resource.
        let resource = form.resource.map { OAuthURLs(base: req.accounts.publicURL).canonicalResource($0) ?? $0 }
        guard let clientID = form.client_id, !clientID.isEmpty else { throw OAuthError("invalid_client", "client_id is required.", status: .unauthorized) }
        let issued: OAuthTokenService.Issued
        do {
            switch form.grant_type {
            case "authorization_code":
                guard let code = form.code, let redirect = form.redirect_uri else {
                    throw OAuthError.invalidRequest("code and redirect_uri are required.")
                }
                guard let verifier = form.code_verifier, (43...128).contains(verifier.count) else {
                    throw OAuthError.invalidRequest("code_verifier (43 to 128 characters) is required: PKCE S256 is mandatory.")
                }
                guard let resource else { throw OAuthError("invalid_target", "resource is required (RFC 8707).") }
                issued = try await service.redeem(code: code, clientID: clientID, redirectURI: redirect, verifier: verifier, resource: resource)
            case "refresh_token":
                guard let token = form.refresh_token else { throw OAuthError.invalidRequest("refresh_token is required.") }
                issued = try await service.refresh(token, clientID: clientID, resource: resource)
            case .some(let other):
                throw OAuthError("unsupported_grant_type", "\(other) is not supported; use authorization_code or refresh_token.")
            case .none:
                throw OAuthError.invalidRequest("grant_type is required.")
            }
        } catch let error as OAuthError {
            try? await req.auditLog().record("oauth.token_failed", metadata: ["error": error.code, "client": String(clientID.prefix(100))])
            throw error
        }
        let response = try req.json(issued).noStore()
        response.headers.replaceOrAdd(name: "Pragma", value: "no-cache")
        return response
    }

    struct RevokeRequest: Content {
        var token: String?
    }

    static func revoke(_ req: Request) async throws -> Response {
        let form = try decodeForm(RevokeRequest.self, req)
        guard let token = form.token else { throw OAuthError.invalidRequest("token is required.") }
        if try await req.oauthTokens().revoke(token: token) {
            try await req.auditLog().record("oauth.token_revoked", metadata: ["via": "revocation endpoint"])
        }
        return Response(status: .ok, headers: ["Cache-Control": "no-store"])
    }
}
