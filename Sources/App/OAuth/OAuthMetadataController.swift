import Vapor

/// RFC 9728 protected-resource metadata for each hosted server and RFC 8414
/// authorization-server metadata for the one issuer, the public URL.
enum OAuthMetadataController {
    static func protectedResource(_ req: Request) async throws -> Response {
        let urls = OAuthURLs(base: req.accounts.publicURL)
        guard let id = req.parameter(.server, as: UUID.self), try await HostedServer.find(id, on: req.db) != nil else {
            throw OAuthError("invalid_target", "There is no MCP server at this address.", status: .notFound)
        }
        // The resource in the spelling the client used to reach it (RFC 9728 §3.3).
        let prefix = SiteRoute.wellKnown(.protectedResourceRoot).path
        let asked = req.url.path.hasPrefix(prefix + "/") ? urls.resource(asRequested: String(req.url.path.dropFirst(prefix.count)), of: id)
            : (try? req.query.get(String.self, at: "resource")).flatMap { urls.server(fromResource: $0) == id ? $0 : nil } ?? urls.resource(id)
        return try json(req, [
            "resource": asked,
            "authorization_servers": [urls.issuer],
            "scopes_supported": [OAuthURLs.scope],
            "bearer_methods_supported": ["header"],
            "resource_name": "BuildMyMCPServer hosted MCP server",
        ])
    }

    /// `/.well-known/oauth-protected-resource` without a path: some clients ask
    /// at the root with `?resource=`; answer for that server.
    static func protectedResourceRoot(_ req: Request) async throws -> Response {
        let urls = OAuthURLs(base: req.accounts.publicURL)
        guard let resource = try? req.query.get(String.self, at: "resource"), let id = urls.server(fromResource: resource) else {
            throw OAuthError("invalid_target", "Ask at /.well-known/oauth-protected-resource/mcp/{server-id} or pass ?resource=.", status: .notFound)
        }
        req.parameters.set(RouteKey.server.rawValue, to: id.uuidString)
        return try await protectedResource(req)
    }

    static func authorizationServer(_ req: Request) async throws -> Response {
        let urls = OAuthURLs(base: req.accounts.publicURL)
        return try json(req, [
            "issuer": urls.issuer,
            "authorization_endpoint": urls.authorize,
            "token_endpoint": urls.token,
            "registration_endpoint": urls.register,
            "revocation_endpoint": urls.revoke,
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "revocation_endpoint_auth_methods_supported": ["none"],
            "scopes_supported": [OAuthURLs.scope],
            "client_id_metadata_document_supported": true,
            "authorization_response_iss_parameter_supported": true,
        ])
    }

    /// The other discovery paths clients probe name issuers that do not exist here: a path-
    /// inserted RFC 8414 URL asks for the issuer `{base}/{path}`, and OpenID discovery for an
    /// OpenID provider (ID tokens, `jwks_uri`), which this server is not. Serving the base
    /// issuer's document there would fail the client's issuer check or claim what is not built.
    static func notThisIssuer(_ req: Request) async throws -> Response {
        let base = req.accounts.publicURL
        throw OAuthError("not_found", "The only issuer here is \(base); its metadata is at "
            + SiteRoute.wellKnown(.authorizationServer).url(base: base) + ".", status: .notFound)
    }

    private static func json(_ req: Request, _ object: [String: Any]) throws -> Response {
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: ["Content-Type": "application/json", "Cache-Control": "public, max-age=300"], body: .init(data: body))
    }
}
