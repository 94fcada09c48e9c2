import Core
import Fluent
import Foundation
import Vapor

/// `/v1/servers/{server}/versions`: what a script needs to deploy a server from a spec it keeps in
/// its own repository, as the Versions tab does by hand: read what serves, build an edited spec as
/// the next version, and serve an earlier version again.
enum ServerVersionsAPIController {
    struct VersionSummary: Content {
        let number: Int
        let createdAt: Date
        /// Whether clients are served this version now.
        let active: Bool
        let tools: [String]
    }

    struct VersionList: Content {
        /// Newest first.
        let versions: [VersionSummary]
    }

    struct VersionDetail: Content {
        let number: Int
        let createdAt: Date
        let active: Bool
        let spec: ServerSpec
    }

    struct BuildRequest: Content {
        let spec: ServerSpec?
    }

    static func list(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let versions = try await ServerVersion.query(on: req.db).filter(\.$server.$id == server.id!).sort(\.$number, .descending).all()
        return try req.json(VersionList(versions: try versions.map { version in
            VersionSummary(number: version.number, createdAt: version.createdAt, active: version.id == server.activeVersionID,
                           tools: try SpecJSON.decode(version.specJSON).tools.map(\.name))
        })).noStore()
    }

    static func show(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.servers(current)
        let server = try await service.find(req.parameter(.server, as: UUID.self))
        let version = try await service.version(try req.versionNumber(), of: server).version
        return try req.json(VersionDetail(number: version.number, createdAt: version.createdAt, active: version.id == server.activeVersionID,
                                          spec: try SpecJSON.decode(version.specJSON))).noStore()
    }

    /// A build of `spec` as the next version; it serves once the build succeeds, as on the Versions tab.
    static func build(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.servers(current)
        let server = try await service.find(req.parameter(.server, as: UUID.self))
        guard let spec = try req.content.decode(BuildRequest.self).spec else {
            throw APIError(.unprocessableEntity, "invalid_request", "Send the new version's full spec as `spec`.")
        }
        // Said rather than overwritten: the address clients use is the server's id, but its slug names it everywhere else.
        guard spec.slug == server.slug else {
            throw APIError(.unprocessableEntity, "invalid_request", "A server keeps its slug: send “\(server.slug)” as the spec's slug.")
        }
        try await service.requireChange(server, spec: spec)
        let build = try await service.rebuild(server, spec: spec)
        return try req.json(ServersAPIController.ServerInfo(server, publicURL: req.accounts.publicURL, build: build.id, buildStatus: build.status), status: .accepted).noStore()
    }

    /// Serves version `number` again (a rollback, or forward again), at once and without a build.
    static func activate(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.servers(current)
        let server = try await service.find(req.parameter(.server, as: UUID.self))
        try await service.activate(version: try req.versionNumber(), of: server)
        return try req.json(ServersAPIController.ServerInfo(server, publicURL: req.accounts.publicURL)).noStore()
    }
}
