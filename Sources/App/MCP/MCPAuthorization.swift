import Core
import Fluent
import Foundation
import Vapor

/// Who is calling which server.
struct MCPContext: Sendable {
    let live: ServerContextCache.Entry
    let userID: UUID
    /// The bearer token's SHA-256, naming the caller's rate-limit window without storing the token.
    let tokenKey: String

    var server: HostedServer { live.server }
    var spec: ServerSpec { live.spec }

    /// This context with the server's live version checked against the database now
    /// (`MCPMethods` says when). A version gone in between leaves the context as it was.
    func checked(_ app: Application) async throws -> MCPContext {
        guard let current = try await app.hosting.contexts.context(for: live.server.id!, app: app, maxAge: .zero) else { return self }
        return MCPContext(live: current, userID: userID, tokenKey: tokenKey)
    }
}

/// Who may call a hosted server: a personal API token of the server's workspace or an OAuth
/// token issued for this server. The origin (DNS rebinding) was checked before, by the routes'
/// `CrossOriginMiddleware`.
enum MCPAuthorization {
    /// The server, its active version and the caller's token; refuses tokens of other organizations.
    static func context(_ req: Request) async throws -> MCPContext {
        guard let id = req.parameter(.server, as: UUID.self) else {
            throw APIError(.notFound, "server_not_found", "There is no MCP server at this address.")
        }
        let live = try await req.application.hosting.contexts.context(for: id, app: req.application)
        // Without a live version there is no context; the server may still exist (mid-build).
        let found: HostedServer?
        if let live { found = live.server } else { found = try await HostedServer.find(id, on: req.db) }
        guard let server = found else {
            throw APIError(.notFound, "server_not_found", "There is no MCP server at this address.")
        }
        let urls = OAuthURLs(base: req.accounts.publicURL)
        // Built only for a refusal: printing its URL on every call showed in the hosted call's profile.
        func challenge() -> String {
            "Bearer realm=\"BuildMyMCPServer\", resource_metadata=\"\(urls.resourceMetadata(asRequested: req.url.path, of: id))\", scope=\"\(OAuthURLs.scope)\""
        }
        var caller: BearerCaller?
        let bearer = req.headers.bearerAuthorization?.token
        let tokenKey = bearer.map(SecretToken.sha256)
        if let bearer, let tokenKey {
            let now = req.application.clock.now()
            if bearer.hasPrefix(APIToken.prefix) {
                // Personal API tokens work on every server of their organization, or on the one they were made for.
                do {
                    caller = try await req.application.callers.caller(tokenHash: tokenKey, resource: nil, now: now) {
                        try await req.tokenService().caller(secret: bearer)
                    }
                } catch var refusal as APIError where refusal.code == "insufficient_scope" {
                    // The same challenge as an OAuth token's refusal (authorization, Runtime Insufficient Scope Errors).
                    refusal.headers.replaceOrAdd(name: .wwwAuthenticate, value: challenge() + ", error=\"insufficient_scope\"")
                    throw refusal
                }
                if let only = caller?.serverID, only != id { caller = nil }
            } else if let oauth = try await req.application.callers.caller(tokenHash: tokenKey, resource: urls.resource(id), now: now, resolve: {
                try await req.oauthTokens().caller(accessToken: bearer, resource: urls.resource(id))
            }) {
                // OAuth tokens are bound to this one server (RFC 8707 audience).
                guard (oauth.scope ?? "").split(separator: " ").contains(Substring(OAuthURLs.scope)) else {
                    throw APIError(.forbidden, "insufficient_scope", "The access token does not carry the \(OAuthURLs.scope) scope.",
                                   headers: ["WWW-Authenticate": challenge() + ", error=\"insufficient_scope\""])
                }
                caller = oauth
            }
        }
        guard let caller, let tokenKey, caller.organizationID == server.$organization.id else {
            // RFC 6750 §3.1: a request without credentials gets the bare challenge; a refused token is named as such.
            throw APIError(.unauthorized, "invalid_token", "Send a valid access token in the Authorization header.",
                           headers: ["WWW-Authenticate": bearer == nil ? challenge() : challenge() + ", error=\"invalid_token\""])
        }
        req.noteWorkspace(caller.organizationID)
        if caller.organizationSuspended {
            throw APIError(.forbidden, "org_suspended", "This workspace is suspended, and its servers do not run tools. Contact support.")
        }
        if let live, live.stamp.isTemplateTakenDown {
            throw try await TemplateTakedown.endpointStopped(templateOf: server, on: req.db)
        }
        guard let live else {
            throw APIError(.serviceUnavailable, "server_not_ready", "This server has no live version yet; wait for its build to finish.",
                           headers: ["Retry-After": "2"])
        }
        return MCPContext(live: live, userID: caller.userID, tokenKey: tokenKey)
    }
}
