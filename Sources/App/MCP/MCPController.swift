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
        let context = try await MCPAuthorization.context(req)
        let body = Array((try await req.body.collect(max: 1 << 20).get()).map { Array(buffer: $0) } ?? [])
        let message: JSONRPC.Message
        switch JSONRPC.Message.parse(body) {
        case .success(let parsed): message = parsed
        case .failure(let error): return try MCPReply.send(req, error.json, status: .badRequest)
        }
        // Stateless when the request says so: a post-handshake version header, or a
        // per-request `_meta` envelope outside any session.
        let version = req.headers.first(name: "MCP-Protocol-Version")
        let hasEnvelope = message.params["_meta"]?[MCPMethods.protocolMeta] != nil
        if let version, !MCPMethods.handshakeVersions.contains(version) {
            return try await MCPStatelessEndpoint.handle(req, context, message, headerVersion: version)
        }
        if hasEnvelope, message.method != "initialize", req.headers.first(name: "MCP-Session-Id") == nil {
            return try await MCPStatelessEndpoint.handle(req, context, message, headerVersion: version)
        }
        return try await MCPSessionEndpoint.handle(req, context, message)
    }

    static func delete(_ req: Request) async throws -> Response {
        let context = try await MCPAuthorization.context(req)
        guard let sessionID = req.headers.first(name: "MCP-Session-Id") else {
            throw APIError(.badRequest, "missing_session", "Send the MCP-Session-Id header of the session to end.")
        }
        guard let session = try await MCPSessionEndpoint.findSession(sessionID, context, req) else {
            throw APIError(.notFound, "session_not_found", "No such session.")
        }
        try await MCPSessionEndpoint.end(session, on: req.db)
        return Response(status: .noContent)
    }

    /// 2025 revisions: a session's stream of server-initiated notifications (the tool list
    /// changed). 2026-07-28 has no `GET`; its clients send `subscriptions/listen` instead.
    static func get(_ req: Request) async throws -> Response {
        let context = try await MCPAuthorization.context(req)
        guard (req.headers.first(name: .accept) ?? "").contains("text/event-stream") else {
            throw APIError(.notAcceptable, "not_acceptable", "The notification stream is text/event-stream; send Accept: text/event-stream.")
        }
        guard let sessionID = req.headers.first(name: "MCP-Session-Id") else {
            throw APIError(.badRequest, "missing_session", "Send the MCP-Session-Id header: the stream belongs to a session.")
        }
        guard try await MCPSessionEndpoint.findSession(sessionID, context, req) != nil else {
            throw APIError(.notFound, "session_not_found", "No such session. Initialize again.")
        }
        return MCPNotificationStream.session(req, context)
    }
}
