import Core
import Fluent
import Foundation
import Vapor

/// The hosted MCP endpoint, `/mcp/{serverId}`, over Streamable HTTP. A request
/// whose `MCP-Protocol-Version` header names a post-handshake revision
/// (2026-07-28) is served statelessly (`MCPStatelessEndpoint`); everything else
/// follows the session-based 2025 revisions (`MCPSessionEndpoint`).
enum MCPController {
    static func post(_ req: Request) async throws -> Response {
        // Collected here rather than by the route, so an oversized body gets a JSON-RPC answer.
        var body: [UInt8]?
        do {
            body = Array(buffer: try await req.body.collect(max: maxBody).get() ?? ByteBuffer())
        } catch {
            body = nil
        }
        // A body that arrived whole (not streamed) skips collect's limit.
        if let collected = body, collected.count > maxBody { body = nil }
        do {
            return try await answer(req, body: body)
        } catch {
            guard let passing = ErrorPageMiddleware.temporaryDatabaseFailure(error, req) else { throw error }
            return try databaseFailure(req, passing, body: body)
        }
    }

    /// A database that is busy, unreachable or out of room is answered as an overloaded sandbox is: a JSON-RPC
    /// error that says the request may be retried and when, under 503 in the stateless revision and 200 in the
    /// 2025 ones, whose clients end the whole session on any other status (a few seconds of database restart
    /// ended every connected 2025 client's session, with a body that was not JSON-RPC at all).
    private static func databaseFailure(_ req: Request, _ failure: APIError, body: [UInt8]?) throws -> Response {
        let message = body.flatMap { try? JSONValue.parse($0) }
        let id = requestID(message)
        let version = MCPReply.field(req, "MCP-Protocol-Version")
        let stateless = version.map { MCPMethods.statelessVersions.contains($0) }
            ?? (message?["params"]?["_meta"]?[MCPMethods.protocolMeta] != nil && MCPReply.field(req, "MCP-Session-Id") == nil)
        let seconds = failure.headers.first(name: "Retry-After").flatMap { Int($0) } ?? 5
        let error = JSONRPC.ErrorReply(id: id, code: JSONRPC.overloaded, message: failure.reason,
                                       data: ["retryable": true, "retryAfterSeconds": .number(Double(seconds))])
        let response = try MCPReply.send(req, error.json, status: MCPReply.errorStatus(.serviceUnavailable, stateless: stateless))
        response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
        return response
    }

    /// The id of a message that could not be answered normally, to answer it by; `null` when it has none usable.
    private static func requestID(_ message: JSONValue?) -> JSONValue {
        message?["id"].flatMap { JSONRPC.Message.isValidID($0) ? $0 : nil } ?? .null
    }

    private static func answer(_ req: Request, body: [UInt8]?) async throws -> Response {
        // The token (401) comes first, after the routes' origin check (403): the transport and
        // authorization specifications require those answers whatever else is wrong with the request.
        let context = try await MCPAuthorization.context(req)
        // Both eras: then a version this server does not speak is refused before any other
        // check, so a client learns which versions to try instead of failing on a later one.
        if let version = MCPReply.field(req, "MCP-Protocol-Version"), !MCPMethods.allVersions.contains(version) {
            let id = requestID(body.flatMap { try? JSONValue.parse($0) })
            let error = JSONRPC.ErrorReply(id: id, code: JSONRPC.unsupportedProtocolVersion, message: "Unsupported protocol version",
                                           data: ["supported": .array(MCPMethods.allVersions.map { .string($0) }), "requested": .string(version)])
            return try MCPReply.refuse(req, error, status: .badRequest)
        }
        // A message is JSON (transports, Sending Messages to the Server); a body declared as anything
        // else is refused rather than guessed at. Clients that send no type at all are read as before.
        if let type = req.headers.contentType, !(type.type.lowercased() == "application" && type.subType.lowercased() == "json") {
            let error = JSONRPC.ErrorReply(id: .null, code: JSONRPC.invalidRequest,
                                           message: "Send the message as application/json, not \(type.type)/\(type.subType).")
            return try MCPReply.refuse(req, error, status: .unsupportedMediaType)
        }
        guard let body else {
            let error = JSONRPC.ErrorReply(id: .null, code: JSONRPC.invalidRequest, message: "The body is larger than 1 MB.")
            return try MCPReply.refuse(req, error, status: .payloadTooLarge)
        }
        let message: JSONRPC.Message
        switch JSONRPC.Message.parse(body) {
        case .success(let parsed): message = parsed
        case .failure(let error): return try MCPReply.refuse(req, error, status: .badRequest)
        }
        // Stateless when the request says so: a post-handshake version header, or a
        // per-request `_meta` envelope outside any session.
        let version = MCPReply.field(req, "MCP-Protocol-Version")
        let hasEnvelope = message.params["_meta"]?[MCPMethods.protocolMeta] != nil
        if let version, MCPMethods.statelessVersions.contains(version) {
            return try await MCPStatelessEndpoint.handle(req, context, message, headerVersion: version)
        }
        if hasEnvelope, message.method != "initialize", MCPReply.field(req, "MCP-Session-Id") == nil {
            return try await MCPStatelessEndpoint.handle(req, context, message, headerVersion: version)
        }
        return try await MCPSessionEndpoint.handle(req, context, message)
    }

    /// The largest message accepted: far more than any tool's arguments.
    static let maxBody = 1 << 20

    static func delete(_ req: Request) async throws -> Response {
        let context = try await MCPAuthorization.context(req)
        guard let sessionID = MCPReply.field(req, "MCP-Session-Id") else {
            throw APIError(.badRequest, "missing_session", "Send the MCP-Session-Id header of the session to end.")
        }
        guard let session = try await MCPSessionEndpoint.findSession(sessionID, context, req) else {
            throw APIError(.notFound, "session_not_found", "No such session.")
        }
        try checkVersionHeader(req, session: session)
        try await MCPSessionEndpoint.end(session, on: req.db)
        return Response(status: .noContent)
    }

    /// 2025 revisions: a session's stream of server-initiated notifications (the tool list
    /// changed). 2026-07-28 has no `GET`; its clients send `subscriptions/listen` instead.
    static func get(_ req: Request) async throws -> Response {
        let context = try await MCPAuthorization.context(req)
        guard MCPReply.acceptsEventStream(req) else {
            throw APIError(.notAcceptable, "not_acceptable", "The notification stream is text/event-stream; send Accept: text/event-stream.")
        }
        guard let sessionID = MCPReply.field(req, "MCP-Session-Id") else {
            throw APIError(.badRequest, "missing_session", "Send the MCP-Session-Id header: the stream belongs to a session.")
        }
        guard let session = try await MCPSessionEndpoint.findSession(sessionID, context, req) else {
            throw APIError(.notFound, "session_not_found", "No such session. Initialize again.")
        }
        try checkVersionHeader(req, session: session)
        return try MCPNotificationStream.session(req, context, sessionID: sessionID)
    }

    /// Every request after `initialize` names the negotiated version, `GET` and `DELETE` included; an unsupported or
    /// different one is 400 (transports, Protocol Version Header). Left out, the session's own is assumed.
    static func checkVersionHeader(_ req: Request, session: MCPSession) throws {
        guard let header = MCPReply.field(req, "MCP-Protocol-Version"), header != session.protocolVersion else { return }
        throw APIError(.badRequest, "unsupported_protocol_version",
                       "MCP-Protocol-Version is \(header), but this session negotiated \(session.protocolVersion).")
    }
}
