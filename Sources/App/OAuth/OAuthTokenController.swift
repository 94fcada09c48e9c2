import Fluent
import Vapor

/// `/oauth/register`, `/oauth/token` and `/oauth/revoke`: machine endpoints for
/// public clients (no cookies, no CSRF; PKCE binds the code to its requester).
enum OAuthTokenController {
    static func register(_ req: Request) async throws -> Response {
        // RFC 7591 §3.1: the metadata is a JSON document; a form is not read as one.
        guard req.headers.contentType?.type == "application", req.headers.contentType?.subType == "json" else {
            throw OAuthError("invalid_client_metadata", "Send the client metadata as a JSON object (Content-Type: application/json).")
        }
        let request: OAuthClients.RegistrationRequest
        do {
            request = try req.content.decode(OAuthClients.RegistrationRequest.self)
        } catch {
            throw OAuthError("invalid_client_metadata", "The registration is not valid JSON client metadata.")
        }
        let registered = try await req.oauthClients().register(request)
        return try req.json(registered, status: .created).noStore()
    }

    /// The form, read as RFC 6749 §3.1 says (see `OAuthParameters`). A missing, empty or
    /// undecodable form, or one with a parameter repeated, is the client's malformed request:
    /// RFC 6749 §5.2 and RFC 7009 §2.2.1 answer it 400 `invalid_request`, where Vapor would
    /// say 415 or 422.
    private static func form(_ req: Request) throws -> OAuthParameters {
        guard let type = req.headers.contentType, type.type == "application", type.subType == "x-www-form-urlencoded",
              let body = req.body.string, !body.isEmpty, let form = OAuthParameters(urlEncoded: body)
        else { throw OAuthError.invalidRequest("The body must be an application/x-www-form-urlencoded form.") }
        if form.repeatsOnlyResource { throw OAuthError("invalid_target", OAuthParameters.oneResource) }
        if let repetition = form.repetition { throw OAuthError.invalidRequest(repetition) }
        return form
    }

    /// The client the request is from. Every client here is public (`token_endpoint_auth_method`
    /// none; PKCE binds its codes): it names itself with `client_id` in the body, or as the user
    /// of HTTP Basic with an empty password (RFC 6749 §2.3.1), and presents no secret. A secret,
    /// another scheme, two different names or an unknown client is refused: 401 `invalid_client`,
    /// with the scheme the client tried in `WWW-Authenticate` (RFC 6749 §5.2).
    private static func client(_ req: Request, _ form: OAuthParameters) async throws -> String {
        var named: String?
        // RFC 6749 §5.2: a client that tried the Authorization header and failed is answered 401 with a
        // challenge in the scheme it used, whichever check failed.
        var challenge: String?
        if let authorization = req.headers.first(name: .authorization) {
            let scheme = authorization.split(separator: " ", maxSplits: 1).first.map(String.init) ?? "Basic"
            let nameable = scheme.count <= 20 && scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
            challenge = "\(scheme.lowercased() == "basic" || !nameable ? "Basic" : scheme) realm=\"BuildMyMCPServer\""
            guard scheme.lowercased() == "basic", let basic = req.headers.basicAuthorization, basic.password.isEmpty,
                  let user = basic.username.replacingOccurrences(of: "+", with: " ").removingPercentEncoding, !user.isEmpty
            else {
                throw OAuthError.invalidClient("Clients here are public and authenticate with no secret: send client_id alone.",
                                               challenge: challenge)
            }
            named = user
        }
        if form["client_secret"] != nil {
            throw OAuthError.invalidClient("Clients here are public and have no secret (token_endpoint_auth_method none): leave client_secret out.",
                                           challenge: challenge)
        }
        if let named, let body = form["client_id"], body != named {
            throw OAuthError.invalidRequest("The client is named twice, differently: in the Authorization header and in client_id.")
        }
        guard let clientID = named ?? form["client_id"] else { throw OAuthError.invalidClient("client_id is required.") }
        guard try await req.oauthClients().isKnown(clientID) else {
            throw OAuthError.invalidClient("This client is not registered here (unknown client_id).", challenge: challenge)
        }
        return clientID
    }

    static func token(_ req: Request) async throws -> Response {
        let form = try form(req)
        let service = req.oauthTokens()
        // Compared as at /oauth/authorize: the same server's URL in another spelling is the same resource.
        let resource = form["resource"].map { OAuthURLs(base: req.accounts.publicURL).canonicalResource($0) ?? $0 }
        let clientID = try await client(req, form)
        let issued: OAuthTokenService.Issued
        do {
            switch form["grant_type"] {
            case "authorization_code":
                guard let code = form["code"] else { throw OAuthError.invalidRequest("code is required.") }
                // Required exactly when the authorization request had one: the code knows.
                let redirect = form["redirect_uri"]
                guard let verifier = form["code_verifier"], (43...128).contains(verifier.count) else {
                    throw OAuthError.invalidRequest("code_verifier (43 to 128 characters) is required: PKCE S256 is mandatory.")
                }
                // `resource` is optional here (RFC 8707 §2): the code is bound to the one its authorization named,
                // and a token request that names one must name the same.
                issued = try await service.redeem(code: code, clientID: clientID, redirectURI: redirect, verifier: verifier, resource: resource)
            case "refresh_token":
                guard let token = form["refresh_token"] else { throw OAuthError.invalidRequest("refresh_token is required.") }
                issued = try await service.refresh(token, clientID: clientID, resource: resource)
            case .some(let other):
                throw OAuthError("unsupported_grant_type", "\(other) is not supported; use authorization_code or refresh_token.")
            case .none:
                throw OAuthError.invalidRequest("grant_type is required.")
            }
        } catch let error as OAuthError {
            try? await req.auditLog().record("oauth.token_failed", metadata: ["error": error.code, "client": String(clientID.prefix(100))])
            // What the refusal revoked is the workspace's to see: a stolen refresh token used twice ends its grant.
            if let revoked = error.revoked {
                try? await req.auditLog().record("oauth.grant_revoked", organization: revoked.workspace, resourceType: "oauth_client",
                                                 resourceID: String(clientID.prefix(100)), metadata: ["reason": revoked.reason])
            }
            throw error
        }
        let response = try req.json(issued).noStore()
        response.headers.replaceOrAdd(name: "Pragma", value: "no-cache")
        return response
    }

    /// RFC 7009: the client names itself as at the token endpoint, and only a token issued
    /// to it is revoked (§2.1); a token we do not know is answered 200 all the same (§2.2).
    static func revoke(_ req: Request) async throws -> Response {
        let form = try form(req)
        guard let token = form["token"] else { throw OAuthError.invalidRequest("token is required.") }
        let clientID = try await client(req, form)
        switch try await req.oauthTokens().revoke(token: token, clientID: clientID) {
        case .revoked(let workspace):
            try await req.auditLog().record("oauth.token_revoked", organization: workspace, resourceType: "oauth_client",
                                            resourceID: String(clientID.prefix(100)), metadata: ["via": "revocation endpoint"])
        case .unknown:
            break
        case .otherClient:
            throw OAuthError("unauthorized_client", "This token was not issued to this client.")
        }
        return Response(status: .ok, headers: ["Cache-Control": "no-store"])
    }
}
