import Core
import Fluent
import Foundation
import Vapor

/// MCP 2025-11-25 and 2025-06-18: `initialize` opens a session (stored
/// in the database, so any instance answers), later requests carry `MCP-Session-Id`.
enum MCPSessionEndpoint {
    static func handle(_ req: Request, _ context: MCPContext, _ message: JSONRPC.Message) async throws -> Response {
        if message.method == "initialize" {
            guard let id = message.id else { return Response(status: .accepted) }
            let requested = message.params["protocolVersion"]?.stringValue ?? ""
            let version = MCPMethods.handshakeVersions.contains(requested) ? requested : MCPMethods.handshakeVersions[0]
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
                "capabilities": MCPMethods.capabilities,
                "serverInfo": MCPMethods.serverInfo(context),
                "instructions": .string(context.spec.description),
            ]
            let response = try MCPReply.send(req, JSONRPC.result(id: id, result))
            response.headers.replaceOrAdd(name: "MCP-Session-Id", value: sessionID)
            return response
        }
        guard let sessionID = req.headers.first(name: "MCP-Session-Id") else {
            let error = JSONRPC.ErrorReply(id: message.id ?? .null, code: JSONRPC.invalidRequest,
                                           message: "Missing MCP-Session-Id: send initialize first, or use protocol version 2026-07-28.")
            return try MCPReply.refuse(req, error, status: .badRequest)
        }
        guard let session = try await MCPSessionEndpoint.findSession(sessionID, context, req) else {
            let error = JSONRPC.ErrorReply(id: message.id ?? .null, code: JSONRPC.invalidRequest, message: "Session not found. Initialize again.")
            return try MCPReply.refuse(req, error, status: .notFound)
        }
        // Stamped at most once per touch interval, like tokens: a write per call would queue every
        // call of a busy session behind SQLite's single writer.
        let now = req.application.clock.now()
        if now.timeIntervalSince(session.lastSeenAt) >= SessionService.touchInterval {
            session.lastSeenAt = now
            try await session.save(on: req.db)
        }
        let sessionKey = SecretToken.sha256(sessionID)
        guard let id = message.id else {
            // The client gave up on a request it sent: stop it if it runs here.
            if message.method == "notifications/cancelled", let request = message.params["requestId"] {
                req.application.hosting.inFlight.cancel(MCPInFlightCalls.key(session: sessionKey, request: request))
            }
            return Response(status: .accepted)
        }
        return try await MCPMethods.dispatch(req, context, message, id: id, stateless: false,
                                             cancelKey: MCPInFlightCalls.key(session: sessionKey, request: id))
    }

    static func findSession(_ sessionID: String, _ context: MCPContext, _ req: Request) async throws -> MCPSession? {
        // A session is bound to the person and the server that opened it; it never
        // stands in for authentication.
        try await MCPSession.query(on: req.db).filter(\.$sessionHash == SecretToken.sha256(sessionID))
            .filter(\.$server.$id == context.server.id!).filter(\.$user.$id == context.userID).first()
    }

    /// `DELETE` with the session's id: the client is done with it.
    static func end(_ session: MCPSession, on database: any Database) async throws {
        try await session.delete(on: database)
    }
}
