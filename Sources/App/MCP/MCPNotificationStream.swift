import Core
import Foundation
import Vapor

/// The server-to-client notification streams, one per era: the 2025 revisions' `GET`
/// stream of a session, and 2026-07-28's `subscriptions/listen`, whose response is the
/// stream. Both carry `notifications/tools/list_changed` when the server's live version
/// changes, and SSE comments as keepalives. Before each, the caller is authorized again (the
/// cached check every call makes), so a revoked token or a removed member's stream ends there.
enum MCPNotificationStream {
    static let listChanged = "notifications/tools/list_changed"

    /// 2025: `GET` with the session's id opens the stream; nothing is replayed. A session with
    /// several open gets each notification on its newest one only (never broadcast).
    static func session(_ req: Request, _ context: MCPContext, sessionID: String) throws -> Response {
        try claim(req, context)
        let events = req.application.hosting.toolLists.listen(to: context.server.id!, liveVersion: context.live.versionID, session: sessionID)
        let (server, user) = (context.server.id!, context.userID)
        return stream(req, context) { writer in
            // Sent at once, so the client sees the stream open now rather than at the first keepalive.
            try await writer.write(.buffer(ServerSentEvent.keepalive))
            for await event in events {
                guard await stillAuthorized(req) else { return }
                // A session ended by DELETE (on any instance) or expired gets nothing more, and its stream closes.
                let alive = try? await MCPSessionEndpoint.findSession(sessionID, server: server, user: user, now: req.application.clock.now(), on: req.db)
                guard alive != nil else { return }
                switch event {
                case .keepalive: try await writer.write(.buffer(ServerSentEvent.keepalive))
                case .toolsChanged: try await writer.write(.buffer(MCPReply.eventFrame(["jsonrpc": "2.0", "method": .string(listChanged)])))
                }
            }
        }
    }

    /// 2026-07-28: acknowledges what it will deliver (only tool list changes exist here),
    /// tags every frame with the listen request's id, and closes with a result when the
    /// server shuts the stream down, or at once when nothing it asked for is delivered here
    /// (subscriptions, Graceful Closure: a result tells the client the end was not a drop).
    static func listen(_ req: Request, _ context: MCPContext, _ message: JSONRPC.Message, id: JSONValue) throws -> Response {
        try claim(req, context)
        let requested = message.params["notifications"]?["toolsListChanged"]?.boolValue == true
        let meta: JSONValue = ["io.modelcontextprotocol/subscriptionId": id]
        let honored: JSONValue = requested ? ["toolsListChanged": true] : [:]
        let events = requested ? req.application.hosting.toolLists.listen(to: context.server.id!, liveVersion: context.live.versionID) : nil
        return stream(req, context) { writer in
            try await writer.write(.buffer(MCPReply.eventFrame([
                "jsonrpc": "2.0", "method": "notifications/subscriptions/acknowledged",
                "params": ["notifications": honored, "_meta": meta],
            ])))
            for await event in events ?? AsyncStream(unfolding: { nil }) {
                // Ended without the closing result: the client's next request learns why (401, 403 or 404).
                guard await stillAuthorized(req) else { return }
                switch event {
                case .keepalive: try await writer.write(.buffer(ServerSentEvent.keepalive))
                case .toolsChanged: try await writer.write(.buffer(MCPReply.eventFrame(["jsonrpc": "2.0", "method": .string(listChanged), "params": ["_meta": meta]])))
                }
            }
            try await writer.write(.buffer(MCPReply.eventFrame(JSONRPC.result(id: id, ["resultType": "complete", "_meta": meta]))))
        }
    }

    private static func stillAuthorized(_ req: Request) async -> Bool {
        (try? await MCPAuthorization.context(req)) != nil
    }

    /// Takes one of the token's stream places (`MCPOpenStreams`), or refuses with 429.
    private static func claim(_ req: Request, _ context: MCPContext) throws {
        guard req.application.mcpStreams.claim(context.tokenKey) else {
            throw APIError(.tooManyRequests, "too_many_streams",
                           "This token already holds \(req.application.mcpStreams.perToken) notification streams open here; close one first.",
                           headers: ["Retry-After": "15"])
        }
    }

    /// The stream, giving back its place when it ends, or when the response is dropped unwritten
    /// (a client gone before the first byte).
    private static func stream(_ req: Request, _ context: MCPContext,
                               _ body: @escaping @Sendable (any AsyncBodyStreamWriter) async throws -> Void) -> Response {
        let place = MCPOpenStreams.Place(req.application.mcpStreams, token: context.tokenKey)
        return Response(status: .ok, headers: ServerSentEvent.headers, body: .init(managedAsyncStream: { writer in
            defer { place.release() }
            try await body(writer)
        }))
    }
}
