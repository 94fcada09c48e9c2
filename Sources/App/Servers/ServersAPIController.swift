import Core
import Fluent
import Foundation
import Vapor

/// `/v1/servers`: create (from a draft or a full spec) and list.
enum ServersAPIController {
    /// Either `previewId` (+ optional `specEdit`) from the wizard, a full `spec`, or a
    /// marketplace `forkRef` (+ optional `name` and `slug`).
    struct CreateRequest: Content {
        var previewId: UUID?
        var specEdit: SpecEdit?
        var spec: ServerSpec?
        var secrets: [String: String]?
        var forkRef: String?
        var name: String?
        var slug: String?
    }

    struct ServerInfo: Content {
        /// The build status, except that a fork of a template the moderators took down is `stopped`
        /// (its endpoint answers 410) whatever its last build did, as the server list says.
        enum Status: String, Codable, Sendable {
            case draft, building, active, failed, stopped
        }

        let id: UUID
        let name: String
        let slug: String
        let description: String
        let status: Status
        let createdAt: Date
        /// The MCP endpoint (answers once a version is live).
        let endpoint: String
        let buildId: UUID?
        /// The status of the build `buildId` names: a rebuild that failed says so here, while `status` stays `active`
        /// for the version that still serves.
        let buildStatus: Build.Status?

        init(_ server: HostedServer, publicURL: String, build: UUID? = nil, buildStatus: Build.Status? = nil, stopped: Bool = false) {
            id = server.id!
            name = server.name
            slug = server.slug
            description = server.description
            status = stopped ? .stopped : Status(rawValue: server.status.rawValue) ?? .failed
            createdAt = server.createdAt
            endpoint = OAuthURLs(base: publicURL).resource(server.id!)
            buildId = build
            self.buildStatus = buildStatus
        }
    }

    struct ServerList: Content {
        let servers: [ServerInfo]
    }

    struct SlugAvailability: Content {
        let slug: String
        let available: Bool
        let message: String
    }

    static func create(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try req.content.decode(CreateRequest.self)
        if let forkRef = body.forkRef { return try await ForkAPIController.create(req, current, body, forkRef: forkRef) }
        // A top-level name or slug is read only with forkRef; ignored here, a request meant to rename would
        // create a server under the draft's name without a word.
        if body.name != nil || body.slug != nil {
            throw APIError(.unprocessableEntity, "invalid_request",
                           "name and slug go with forkRef; with previewId set them in specEdit, with a spec in the spec itself.")
        }
        let spec = try await resolveSpec(body, req, current)
        let (server, build) = try await req.servers(current).create(.init(spec: spec, secrets: body.secrets ?? [:]))
        return try req.json(ServerInfo(server, publicURL: req.accounts.publicURL, build: build.id, buildStatus: build.status), status: .created).noStore()
    }

    /// The spec a creation request names: a stored draft with edits merged, or the
    /// spec itself (imported from elsewhere).
    static func resolveSpec(_ body: CreateRequest, _ req: Request, _ current: CurrentUser) async throws -> ServerSpec {
        switch (body.previewId, body.spec) {
        case (let id?, nil):
            let drafts = req.drafts(current)
            let draft = try await drafts.find(id)
            let base = try draft.acceptedSpec()
            return try body.specEdit.map { try DraftService.merged($0, into: base) } ?? base
        case (nil, let spec?):
            return spec
        case (nil, nil):
            throw APIError(.unprocessableEntity, "invalid_request", "Send previewId (with an optional specEdit) or a full spec.")
        case (.some, .some):
            throw APIError(.unprocessableEntity, "invalid_request", "Send either previewId (with an optional specEdit) or a full spec, not both.")
        }
    }

    static func list(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let servers = try await req.servers(current).list()
        let stopped = try await TemplateTakedown.stopped(among: servers, on: req.db)
        return try req.json(ServerList(servers: servers.map {
            ServerInfo($0, publicURL: req.accounts.publicURL, stopped: stopped.contains($0.id!))
        })).noStore()
    }

    static func show(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let latest = try await BuildQueue(database: req.db, now: req.application.clock.now).latest(of: server)
        let stopped = try await TemplateTakedown.stopped(among: [server], on: req.db)
        return try req.json(ServerInfo(server, publicURL: req.accounts.publicURL, build: latest?.id, buildStatus: latest?.status,
                                       stopped: !stopped.isEmpty)).noStore()
    }

    static func delete(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.servers(current)
        try await service.delete(try await service.find(req.parameter(.server, as: UUID.self)))
        return Response(status: .noContent)
    }

    struct SecretValue: Content {
        let value: String
    }

    /// `PUT /v1/servers/{server}/secrets/{key}`: sets (or replaces) a secret the server declares, as the Secrets
    /// tab does; used from the next call on. The value is never returned.
    static func setSecret(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.servers(current)
        let server = try await service.find(req.parameter(.server, as: UUID.self))
        let value = try req.content.decode(SecretValue.self).value
        try await service.replaceSecret(req.parameter(.secret, as: String.self) ?? "", value: value, of: server)
        return Response(status: .noContent)
    }

    /// `DELETE /v1/servers/{server}/secrets/{key}`: removes a stored secret no version in use declares.
    static func deleteSecret(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.servers(current)
        let server = try await service.find(req.parameter(.server, as: UUID.self))
        try await service.deleteSecret(req.parameter(.secret, as: String.self) ?? "", of: server)
        return Response(status: .noContent)
    }

    static func slugAvailability(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let slug = (try? req.query.get(String.self, at: "slug"))?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
        let answer: SlugAvailability
        if !ServerSlug.isValid(slug) {
            answer = SlugAvailability(slug: slug, available: false, message: ServerSlug.rule)
        } else if try await req.servers(current).slugTaken(slug) {
            answer = SlugAvailability(slug: slug, available: false, message: "Taken: this workspace already has a server called “\(slug)”.")
        } else {
            answer = SlugAvailability(slug: slug, available: true, message: "Available.")
        }
        return try req.json(answer).noStore()
    }
}
