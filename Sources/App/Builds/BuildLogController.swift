import Fluent
import Foundation
import Vapor

/// A build's log, live: over a WebSocket (`…/log/ws`), or as server-sent events
/// (`…/log`) where WebSockets are blocked; the page itself refreshes without JS.
/// Lines come from the database, so any instance can serve any build.
enum BuildLogController {
    struct Line: Encodable {
        let event = "line"
        let sequence: Int
        let level: String
        let message: String
        let at: Date
    }

    struct Done: Encodable {
        let event = "done"
        let status: String
        let error: String?
        let version: Int?
    }

    static func stream(_ req: Request) async throws -> Response {
        let buildID = try await authorizedBuild(req)
        let body = Response.Body(managedAsyncStream: { writer in
            try await follow(buildID, req) { name, payload in
                try await writer.write(.buffer(ServerSentEvent.frame(name, json: payload)))
            }
        })
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }

    /// The WebSocket, only for the build's owners: checked before the upgrade, so an unknown
    /// server or build is a 404 answer like the event stream's (a refusal inside the upgrade
    /// itself can only drop the connection).
    static func openSocket(_ req: Request) async throws -> Response {
        _ = try await authorizedBuild(req)
        // A plain GET is not an upgrade request, and switching protocols without one is not allowed
        // (RFC 9110 §7.8): it is told what to send. A foreign Origin gets a 403 it can read, not a dropped connection.
        let connection = req.headers[.connection].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard connection.contains("upgrade"), req.headers.first(name: .upgrade)?.lowercased() == "websocket" else {
            throw APIError(.badRequest, "websocket_upgrade_required",
                           "This address is a WebSocket: send Connection: Upgrade and Upgrade: websocket, or read the log as an event stream without /ws.")
        }
        if let origin = req.headers.first(name: .origin), !req.accounts.origins.allowsOrigin(origin) {
            throw APIError(.forbidden, "origin_not_allowed", "Requests from this origin are not allowed.")
        }
        return req.webSocket(shouldUpgrade: upgrade, onUpgrade: socket)
    }

    /// Only from our own pages: a foreign Origin would otherwise ride the session cookie.
    static func upgrade(_ req: Request) async throws -> HTTPHeaders? {
        if let origin = req.headers.first(name: .origin), !req.accounts.origins.allowsOrigin(origin) { return nil }
        return [:]
    }

    static func socket(_ req: Request, _ socket: WebSocket) async {
        do {
            let buildID = try await authorizedBuild(req)
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            try await follow(buildID, req) { _, payload in
                try await socket.send(String(decoding: try encoder.encode(payload), as: UTF8.self))
            }
        } catch {
            req.logger.reportSafely(error)
        }
        try? await socket.close()
    }

    private static func authorizedBuild(_ req: Request) async throws -> UUID {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        guard let build = try await BuildQueue(database: req.db, now: req.application.clock.now)
            .build(req.parameter(.build, as: UUID.self), of: server)
        else { throw APIError(.notFound, "build_not_found", "There is no such build of this server.") }
        return build.id!
    }

    /// Sends every line as it is written, then `done`; gives up after two minutes, or as soon as the reader may no
    /// longer see the server (removed from the workspace, signed out, the token revoked), like the call log.
    /// While the process stops, it follows the build through the shutdown's grace period, and when that ends with
    /// the build still running says what the runner then records (failed: the server shut down) and ends: the
    /// stream held the HTTP server's shutdown past its grace, and its reader saw the log freeze, then an error.
    private static func follow(_ buildID: UUID, _ req: Request, send: (String, any Encodable) async throws -> Void) async throws {
        var access = StreamAccessCheck(try req.requireUser(), database: req.db, clock: req.application.clock)
        let queue = BuildQueue(database: req.db, now: req.application.clock.now)
        let stopping = req.application.stopping
        let grace = req.application.config.shutdownGrace
        var seen = 0
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if stopping.isStopping, stopping.remaining(of: grace) <= .zero {
                try await send("done", Done(status: "failed", error: BuildQueue.shutDownReason, version: nil))
                return
            }
            guard try await access.stillAllowed() else { return }
            for line in try await queue.lines(of: buildID, after: seen) {
                seen = line.sequence
                try await send("line", Line(sequence: line.sequence, level: line.level, message: line.message, at: line.at))
            }
            if let state = try await queue.state(of: buildID), state.status == .succeeded || state.status == .failed {
                try await send("done", Done(status: state.status.rawValue, error: state.error, version: state.versionNumber))
                return
            }
            try await Task.sleep(for: .milliseconds(150))
        }
    }
}
