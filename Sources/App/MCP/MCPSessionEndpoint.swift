import Core
import Fluent
import Foundation
import Vapor

/// MCP 2025-11-25 and 2025-06-18: `initialize` opens a session (stored
/// in the database, so any instance answers), later requests carry `MCP-Session-Id`.
enum MCPSessionEndpoint {
    /// Sessions one person keeps open on one server; opening another ends the least recently used. Clients that
    /// initialize per connection would otherwise grow the table without end. Set well above what concurrent use
    /// needs: one token shared by 500 agents at once must not end their sessions under them (e2e `test_load`).
    static let sessionsPerCaller = 1_000
    /// A session unused this long is gone (404, and the client initializes again), and deleted hourly.
    static let idleLimit: TimeInterval = 86_400

    static func handle(_ req: Request, _ context: MCPContext, _ message: JSONRPC.Message) async throws -> Response {
        if message.method == "initialize" {
            // A notification cannot be answered, so it cannot open a session.
            guard let id = message.id else {
                let error = JSONRPC.ErrorReply(id: .null, code: JSONRPC.invalidRequest, message: "initialize is a request: give it an id.")
                return try MCPReply.refuse(req, error, status: .badRequest)
            }
            // The lifecycle's three required parameters (basic/lifecycle, Initialization).
            guard let requested = message.params["protocolVersion"]?.stringValue, message.params["capabilities"]?.objectValue != nil,
                  message.params["clientInfo"]?.objectValue != nil
            else {
                let error = JSONRPC.ErrorReply(id: id, code: JSONRPC.invalidParams,
                                               message: "initialize needs protocolVersion (a string), capabilities and clientInfo (objects).")
                return try MCPReply.refuse(req, error, status: .ok)
            }
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
            try await endOldest(server: context.server.id!, user: context.userID, keeping: sessionsPerCaller, on: req.db)
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
        guard let sessionID = MCPReply.field(req, "MCP-Session-Id") else {
            let error = JSONRPC.ErrorReply(id: message.id ?? .null, code: JSONRPC.invalidRequest,
                                           message: "Missing MCP-Session-Id: send initialize first, or use protocol version 2026-07-28.")
            return try MCPReply.refuse(req, error, status: .badRequest)
        }
        guard let session = try await MCPSessionEndpoint.findSession(sessionID, context, req) else {
            let error = JSONRPC.ErrorReply(id: message.id ?? .null, code: JSONRPC.invalidRequest, message: "Session not found. Initialize again.")
            return try MCPReply.refuse(req, error, status: .notFound)
        }
        // The header names the version the session negotiated (transports, Protocol Version Header).
        if let header = MCPReply.field(req, "MCP-Protocol-Version"), header != session.protocolVersion {
            let error = JSONRPC.ErrorReply(id: message.id ?? .null, code: JSONRPC.invalidRequest,
                                           message: "MCP-Protocol-Version is \(header), but this session negotiated \(session.protocolVersion).")
            return try MCPReply.refuse(req, error, status: .badRequest)
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
        try await findSession(sessionID, server: context.server.id!, user: context.userID, now: req.application.clock.now(), on: req.db)
    }

    static func findSession(_ sessionID: String, server: UUID, user: UUID, now: Date, on database: any Database) async throws -> MCPSession? {
        // Idle past the limit counts as gone even before the hourly prune deletes it.
        try await MCPSession.query(on: database).filter(\.$sessionHash == SecretToken.sha256(sessionID))
            .filter(\.$server.$id == server).filter(\.$user.$id == user)
            .filter(\.$lastSeenAt > now.addingTimeInterval(-idleLimit)).first()
    }

    /// `DELETE` with the session's id: the client is done with it.
    static func end(_ session: MCPSession, on database: any Database) async throws {
        try await session.delete(on: database)
    }

    /// Ends all but the `keeping` most recently used sessions of one person on one server.
    static func endOldest(server: UUID, user: UUID, keeping: Int, on database: any Database) async throws {
        let stale = try await MCPSession.query(on: database).filter(\.$server.$id == server).filter(\.$user.$id == user)
            .sort(\.$lastSeenAt, .descending).sort(\.$createdAt, .descending).offset(keeping).limit(100).all().compactMap(\.id)
        guard !stale.isEmpty else { return }
        try await MCPSession.query(on: database).filter(\.$id ~~ stale).delete()
    }

    /// Deletes sessions idle past `idleLimit`; returns how many.
    @discardableResult
    static func pruneIdle(now: Date, on database: any Database) async throws -> Int {
        let cutoff = now.addingTimeInterval(-idleLimit)
        let count = try await MCPSession.query(on: database).filter(\.$lastSeenAt <= cutoff).count()
        if count > 0 { try await MCPSession.query(on: database).filter(\.$lastSeenAt <= cutoff).delete() }
        return count
    }
}
