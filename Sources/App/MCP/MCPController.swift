import Core
import Fluent
import Foundation
import Vapor

/// The hosted MCP endpoint, `/mcp/{serverId}`, over Streamable HTTP. A request
/// whose `MCP-Protocol-Version` header names a post-handshake revision
/// (2026-07-28) is served statelessly; everything else follows the session-based
/// 2025 revisions (`initialize`, `MCP-Session-Id`).
enum MCPController {
    static let statelessVersions = ["2026-07-28"]
    static let handshakeVersions = ["2025-11-25", "2025-06-18", "2025-03-26"]
    static let protocolMeta = "io.modelcontextprotocol/protocolVersion"
    static let capabilitiesMeta = "io.modelcontextprotocol/clientCapabilities"

    /// Who is calling which server.
    struct Context: Sendable {
        let live: ServerContextCache.Entry
        let userID: UUID

        var server: HostedServer { live.server }
        var spec: ServerSpec { live.spec }
    }

    static func post(_ req: Request) async throws -> Response {
        let context = try await authorize(req)
        let body = Array((try await req.body.collect(max: 1 << 20).get()).map { Array(buffer: $0) } ?? [])
        let message: JSONRPC.Message
        switch JSONRPC.Message.parse(body) {
        case .success(let parsed): message = parsed
        case .failure(let error): return try reply(req, error.json, status: .badRequest)
        }
        // Stateless when the request says so: a post-handshake version header, or a
        // per-request `_meta` envelope outside any session.
        let version = req.headers.first(name: "MCP-Protocol-Version")
        let hasEnvelope = message.params["_meta"]?[protocolMeta] != nil
        if let version, !handshakeVersions.contains(version) {
            return try await stateless(req, context, message, headerVersion: version)
        }
        if hasEnvelope, message.method != "initialize", req.headers.first(name: "MCP-Session-Id") == nil {
            return try await stateless(req, context, message, headerVersion: version)
        }
        return try await legacy(req, context, message)
    }

    // MARK: 2026-07-28, stateless

    /// Checks in the order the revision prescribes (first failure wins): the
    /// `_meta` envelope, the routing headers against the body, then the version.
    private static func stateless(_ req: Request, _ context: Context, _ message: JSONRPC.Message, headerVersion: String?) async throws -> Response {
        guard let id = message.id else { return Response(status: .accepted) }
        func refuse(_ code: Int, _ text: String, data: JSONValue? = nil) throws -> Response {
            try reply(req, JSONRPC.ErrorReply(id: id, code: code, message: text, data: data).json, status: .badRequest)
        }
        let meta = message.params["_meta"]?.objectValue
        guard let meta, let bodyVersion = meta[protocolMeta], meta[capabilitiesMeta] != nil else {
            return try refuse(JSONRPC.invalidParams, "params._meta must carry \(protocolMeta) and \(capabilitiesMeta).")
        }
        guard let headerVersion, bodyVersion.stringValue == headerVersion else {
            return try refuse(JSONRPC.headerMismatch, "MCP-Protocol-Version does not match the request's protocol version.")
        }
        guard req.headers.first(name: "Mcp-Method") == message.method else {
            return try refuse(JSONRPC.headerMismatch, "Mcp-Method does not match the request's method.")
        }
        if message.method == "tools/call", let name = message.params["name"]?.stringValue,
           req.headers.first(name: "Mcp-Name").map(decodeHeaderValue) != name {
            return try refuse(JSONRPC.headerMismatch, "Mcp-Name does not match the tool being called.")
        }
        guard statelessVersions.contains(headerVersion) else {
            return try refuse(JSONRPC.unsupportedProtocolVersion, "Unsupported protocol version",
                              data: ["supported": .array((statelessVersions + handshakeVersions).map { .string($0) }), "requested": .string(headerVersion)])
        }
        switch message.method {
        case "server/discover":
            let result: JSONValue = [
                "supportedVersions": .array((statelessVersions + handshakeVersions).map { .string($0) }),
                "capabilities": ["tools": ["listChanged": false]],
                "instructions": .string(context.spec.description),
                "ttlMs": 0, "cacheScope": "private", "resultType": "complete",
                "_meta": ["io.modelcontextprotocol/serverInfo": serverInfo(context)],
            ]
            return try reply(req, JSONRPC.result(id: id, result))
        default:
            return try await dispatch(req, context, message, id: id, stateless: true)
        }
    }

    // MARK: 2025 revisions, with sessions

    private static func legacy(_ req: Request, _ context: Context, _ message: JSONRPC.Message) async throws -> Response {
        if message.method == "initialize" {
            guard let id = message.id else { return Response(status: .accepted) }
            let requested = message.params["protocolVersion"]?.stringValue ?? ""
            let version = handshakeVersions.contains(requested) ? requested : handshakeVersions[0]
            let sessionID = req.application.random.token()
            let session = MCPSession()
            session.$server.id = context.server.id!
            session.$user.id = context.userID
            session.sessionHash = SecretToken.sha256(sessionID)
            session.protocolVersion = version
            session.createdAt = req.application.clock.now()
            session.lastSeenAt = session.createdAt
            try await session.create(on: req.db)
            let result: JSONValue = [
                "protocolVersion": .string(version),
                "capabilities": ["tools": ["listChanged": false]],
                "serverInfo": serverInfo(context),
                "instructions": .string(context.spec.description),
            ]
            let response = try reply(req, JSONRPC.result(id: id, result))
            response.headers.replaceOrAdd(name: "MCP-Session-Id", value: sessionID)
            return response
        }
        guard let sessionID = req.headers.first(name: "MCP-Session-Id") else {
            let error = JSONRPC.ErrorReply(id: message.id ?? .null, code: JSONRPC.invalidRequest,
                                           message: "Missing MCP-Session-Id: send initialize first, or use protocol version 2026-07-28.")
            return try reply(req, error.json, status: .badRequest)
        }
        guard let session = try await findSession(sessionID, context, req) else {
            let error = JSONRPC.ErrorReply(id: message.id ?? .null, code: JSONRPC.invalidRequest, message: "Session not found. Initialize again.")
            return try reply(req, error.json, status: .notFound)
        }
        // Stamped at most once per touch interval, like tokens: a write per call would queue every
        // call of a busy session behind SQLite's single writer.
        let now = req.application.clock.now()
        if now.timeIntervalSince(session.lastSeenAt) >= SessionService.touchInterval {
            session.lastSeenAt = now
            try await session.save(on: req.db)
        }
        guard let id = message.id else { return Response(status: .accepted) }
        return try await dispatch(req, context, message, id: id, stateless: false)
    }

    static func delete(_ req: Request) async throws -> Response {
        let context = try await authorize(req)
        guard let sessionID = req.headers.first(name: "MCP-Session-Id") else {
            throw APIError(.badRequest, "missing_session", "Send the MCP-Session-Id header of the session to end.")
        }
        guard let session = try await findSession(sessionID, context, req) else {
            throw APIError(.notFound, "session_not_found", "No such session.")
        }
        try await session.delete(on: req.db)
        return Response(status: .noContent)
    }

    /// No server-initiated messages are ever sent, so there is no stream to open.
    static func get(_ req: Request) async throws -> Response {
        _ = try await authorize(req)
        return Response(status: .methodNotAllowed, headers: ["Allow": "POST, DELETE"])
    }

    private static func findSession(_ sessionID: String, _ context: Context, _ req: Request) async throws -> MCPSession? {
        // A session is bound to the person and the server that opened it; it never
        // stands in for authentication.
        try await MCPSession.query(on: req.db).filter(\.$sessionHash == SecretToken.sha256(sessionID))
            .filter(\.$server.$id == context.server.id!).filter(\.$user.$id == context.userID).first()
    }

    // MARK: Methods

    private static func dispatch(_ req: Request, _ context: Context, _ message: JSONRPC.Message, id: JSONValue, stateless: Bool) async throws -> Response {
        // The stateless revision gives JSON-RPC errors an HTTP status; the 2025
        // revisions expect 200, and their clients drop the connection otherwise.
        func failure(_ code: Int, _ text: String) throws -> Response {
            let status: HTTPStatus = !stateless ? .ok : code == JSONRPC.methodNotFound ? .notFound : .badRequest
            return try reply(req, JSONRPC.ErrorReply(id: id, code: code, message: text).json, status: status)
        }
        func complete(_ result: JSONValue, cacheable: Bool = false) -> JSONValue {
            guard stateless, case .object(var fields) = result else { return result }
            fields["resultType"] = "complete"
            if cacheable {
                fields["ttlMs"] = 0
                fields["cacheScope"] = "private"
            }
            return .object(fields)
        }
        switch message.method {
        case "ping":
            return try reply(req, JSONRPC.result(id: id, complete([:])))
        case "tools/list":
            return try reply(req, JSONRPC.result(id: id, complete(MCPToolList(spec: context.spec).json, cacheable: true)))
        case "tools/call":
            guard let name = message.params["name"]?.stringValue else {
                return try failure(JSONRPC.invalidParams, "tools/call needs a tool name.")
            }
            let invoker = ToolInvoker(app: req.application, server: context.server, spec: context.spec,
                                      secrets: context.live.secrets, plan: context.live.plan)
            do {
                let outcome = try await invoker.call(name, arguments: message.params["arguments"])
                return try reply(req, JSONRPC.result(id: id, complete(outcome.result)))
            } catch ToolInvoker.Failure.unknownTool(let name) {
                return try failure(JSONRPC.invalidParams, "Unknown tool: \(name)")
            }
        default:
            return try failure(JSONRPC.methodNotFound, "Method not found: \(message.method)")
        }
    }

    /// `Mcp-Name` may be sent base64-encoded (`=?base64?…?=`) when the name is not plain ASCII.
    static func decodeHeaderValue(_ value: String) -> String {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="),
              let data = Data(base64Encoded: String(value.dropFirst(9).dropLast(2))) else { return value }
        return String(decoding: data, as: UTF8.self)
    }

    private static func serverInfo(_ context: Context) -> JSONValue {
        ["name": .string(context.spec.name), "version": .string("1")]
    }

    // MARK: Transport

    /// JSON unless the client accepts only an event stream.
    private static func reply(_ req: Request, _ message: JSONValue, status: HTTPStatus = .ok) throws -> Response {
        let text = SpecJSON.compact(message)
        let accept = req.headers.first(name: .accept) ?? ""
        if accept.contains("text/event-stream") && !accept.contains("application/json") {
            return Response(status: status, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-store"],
                            body: .init(string: "event: message\ndata: \(text)\n\n"))
        }
        return Response(status: status, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"], body: .init(string: text))
    }

    /// The server, its active version and the caller's token; refuses foreign
    /// origins (DNS rebinding) and tokens of other organizations.
    static func authorize(_ req: Request) async throws -> Context {
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
        if let origin = req.headers.first(name: .origin), !SameOrigin.matches(origin, req, publicOrigin: req.accounts.publicOrigin) {
            throw APIError(.forbidden, "origin_not_allowed", "Requests from this origin are not allowed.")
        }
        let urls = OAuthURLs(base: req.accounts.publicURL)
        let challenge = "Bearer realm=\"BuildMyMCPServer\", resource_metadata=\"\(urls.resourceMetadata(id))\", scope=\"\(OAuthURLs.scope)\""
        var caller: BearerCaller?
        if let bearer = req.headers.bearerAuthorization?.token {
            if bearer.hasPrefix(APIToken.prefix) {
                // Personal API tokens work on every server of their organization.
                caller = try await req.tokenService().caller(secret: bearer)
            } else if let oauth = try await req.oauthTokens().caller(accessToken: bearer, resource: urls.resource(id)) {
                // OAuth tokens are bound to this one server (RFC 8707 audience).
                guard (oauth.scope ?? "").split(separator: " ").contains(Substring(OAuthURLs.scope)) else {
                    throw APIError(.forbidden, "insufficient_scope", "The access token does not carry the \(OAuthURLs.scope) scope.",
                                   headers: ["WWW-Authenticate": challenge + ", error=\"insufficient_scope\""])
                }
                caller = oauth
            }
        }
        guard let caller, caller.organizationID == server.$organization.id else {
            throw APIError(.unauthorized, "invalid_token", "Send a valid access token in the Authorization header.",
                           headers: ["WWW-Authenticate": challenge])
        }
        if caller.organizationSuspended {
            throw APIError(.forbidden, "org_suspended", "This workspace is suspended, and its servers do not run tools. Contact support.")
        }
        guard let live else {
            throw APIError(.serviceUnavailable, "server_not_ready", "This server has no live version yet; wait for its build to finish.",
                           headers: ["Retry-After": "2"])
        }
        return Context(live: live, userID: caller.userID)
    }
}
