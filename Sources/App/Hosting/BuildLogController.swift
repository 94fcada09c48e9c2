import Fluent
import Foundation
import Vapor

/// `/v1/servers/{id}/builds/{buildId}/log`: a build's log lines as server-sent
/// events (`line`, then `done`), read from the database so any instance can serve it.
enum BuildLogController {
    struct Line: Content {
        let sequence: Int
        let level: String
        let message: String
        let at: Date
    }

    struct Done: Content {
        let status: String
        let error: String?
        let version: Int?
    }

    static func stream(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await ServerService(req: req, current: current).find(req.parameters.get("id", as: UUID.self))
        guard let buildID = req.parameters.get("buildID", as: UUID.self),
              let build = try await Build.find(buildID, on: req.db), build.$server.id == server.id
        else { throw APIError(.notFound, "build_not_found", "There is no such build of this server.") }
        let queue = BuildQueue(database: req.db, now: req.application.clock.now)
        let body = Response.Body(asyncStream: { writer in
            var seen = 0
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline {
                for line in try await queue.lines(of: buildID, after: seen) {
                    seen = line.sequence
                    try await writer.write(.buffer(ServerSentEvent.frame("line", json: Line(sequence: line.sequence, level: line.level, message: line.message, at: line.at))))
                }
                let state = try await Build.find(buildID, on: req.db) ?? build
                if state.status == .succeeded || state.status == .failed {
                    try await writer.write(.buffer(ServerSentEvent.frame("done", json: Done(status: state.status.rawValue, error: state.error, version: state.versionNumber))))
                    break
                }
                try await Task.sleep(for: .milliseconds(150))
            }
            try await writer.write(.end)
        })
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }
}
