import Fluent
import Foundation
import Vapor

/// `/v1/servers/{id}/calls/stream`: new tool-call records as server-sent events
/// (`call`), for the live log on the server page. Read from the database, so any
/// instance can serve it; ends after five minutes, when the app stops (the page reconnects), or
/// when the person may no longer see the server (removed, signed out, the token revoked).
enum CallTailController {
    /// The longest a tail goes without writing anything.
    static let keepaliveInterval: Duration = .seconds(15)

    struct Call: Content {
        let at: Date
        let tool: String
        let outcome: String
        let durationMilliseconds: Double
        let error: String?
    }

    static func stream(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let serverID = server.id!
        let since = req.application.clock.now()
        let query = CallTailQuery(database: req.db, hosting: req.application.hosting)
        let stopping = req.application.stopping
        let (database, clock) = (req.db, req.application.clock)
        let body = Response.Body(managedAsyncStream: { writer in
            var seen = Set<UUID>()
            var after = since.addingTimeInterval(-1)
            let deadline = ContinuousClock.now + .seconds(300)
            try await writer.write(.buffer(ServerSentEvent.keepalive))
            var written = ContinuousClock.now
            var access = StreamAccessCheck(current, database: database, clock: clock)
            while ContinuousClock.now < deadline && !stopping.isStopping {
                guard try await access.stillAllowed() else { return }
                let calls = try await query.calls(of: serverID, since: after)
                for call in calls where !seen.contains(call.id!) {
                    seen.insert(call.id!)
                    after = max(after, call.at)
                    try await writer.write(.buffer(ServerSentEvent.frame("call", json: Call(
                        at: call.at, tool: call.tool, outcome: call.outcome, durationMilliseconds: call.durationMilliseconds, error: call.errorMessage))))
                    written = ContinuousClock.now
                }
                // A quiet server's tail still writes now and then, as every stream here does (self-hosting.md,
                // BMM_IDLE_TIMEOUT_SECONDS): the idle timeout and proxies would otherwise cut it mid-stream.
                if ContinuousClock.now - written >= Self.keepaliveInterval {
                    try await writer.write(.buffer(ServerSentEvent.keepalive))
                    written = ContinuousClock.now
                }
                try await Task.sleep(for: .seconds(1))
            }
        })
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }
}
