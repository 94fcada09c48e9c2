import Core
import Fluent
import Foundation
import Vapor

/// `/servers/{id}`: status and live build log, install snippets, tools, a
/// playground, recent calls, secrets, versions and deletion. Every action is a
/// plain form post that comes back here.
enum ServerPageController {
    static func page(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else { return req.redirectToSignIn(returningTo: .servers) }
        let server = try await ServerService(req: req, current: current).find(req.parameters.get("id", as: UUID.self))
        return try await render(req, current, server, notice: (try? req.query.get(String.self, at: "notice")).flatMap(noticeText))
    }

    static func noticeText(_ key: String) -> String? {
        ["secret": "Secret saved. It is used from the next call on.", "rollback": "Version activated."][key]
    }

    static func render(_ req: Request, _ current: CurrentUser, _ server: HostedServer, notice: String? = nil, error: String? = nil,
                       playground: ServerPageView.PlaygroundResult? = nil, selectedTool: String? = nil, arguments: String = "",
                       posted: [String: String] = [:], status: HTTPStatus = .ok) async throws -> Response {
        let id = server.id!
        let path = SiteRoute.server(id).path
        // The endpoint is the OAuth resource identifier too; one function spells both.
        let endpoint = OAuthURLs(base: req.accounts.publicURL).resource(id)
        let versions = try await ServerVersion.query(on: req.db).filter(\.$server.$id == id).sort(\.$number, .descending).all()
        let spec = try SpecJSON.decode(versions.first { $0.id == server.activeVersionID }?.specJSON ?? server.specJSON)
        let build = try await Build.query(on: req.db).filter(\.$server.$id == id).sort(\.$createdAt, .descending).first()
        let lines = try await build.asyncMap { try await BuildQueue(database: req.db, now: req.application.clock.now).lines(of: $0.id!) } ?? []
        try await req.application.hosting.calls.flush(on: req.db)
        let calls = try await ToolCallRecord.query(on: req.db).filter(\.$server.$id == id).sort(\.$at, .descending).limit(20).all()
        let setKeys = Set(try await ServerSecrets(database: req.db, box: req.application.secretBox).keys(server: id))
        let listed = MCPToolList(spec: spec).tools
        let chosen = selectedTool ?? (try? req.query.get(String.self, at: "tool")) ?? listed.first?.name ?? ""
        let chosenSchema = listed.first { $0.name == chosen }?.inputSchema ?? ["type": "object"]
        let time = DateFormatter.utc("d MMM HH:mm:ss")
        let view = ServerPageView(
            csrf: req.csrfToken(req.accounts.cookies),
            fromWizard: (try? req.query.get(String.self, at: "from")) == "wizard",
            id: id.uuidString.lowercased(), name: server.name, slug: server.slug, description: server.description,
            status: server.status.label, statusClass: "status-\(server.status.rawValue)",
            isBuilding: server.status == .building,
            endpoint: endpoint,
            buildLogHref: build.map { "/v1/servers/\(id.uuidString.lowercased())/builds/\($0.id!.uuidString.lowercased())/log" },
            callsStreamHref: "/v1/servers/\(id.uuidString.lowercased())/calls/stream",
            buildStatus: build.map { $0.status.rawValue },
            buildLines: lines.map { .init(level: $0.level, message: $0.message) },
            snippets: InstallSnippets.all(name: server.name, slug: server.slug, endpoint: endpoint),
            tokensHref: SiteRoute.settings.path + "#tokens-title",
            tools: listed.map {
                .init(name: $0.name, description: $0.description, schema: SpecJSON.pretty($0.inputSchema), isSelected: $0.name == chosen)
            },
            playgroundAction: path + "/playground",
            playgroundTool: chosen,
            playgroundFields: PlaygroundForm.fields(for: chosenSchema, values: posted),
            selectAction: path,
            playgroundArguments: arguments,
            playground: playground,
            calls: calls.map {
                .init(at: time.string(from: $0.at), tool: $0.tool, outcome: $0.outcome, outcomeClass: $0.outcome == "ok" ? "status-active" : "status-failed",
                      duration: String(format: "%.1f ms", $0.durationMilliseconds), error: $0.errorMessage)
            },
            secrets: spec.requiredSecrets.map { .init(key: $0.key, description: $0.description, isSet: setKeys.contains($0.key)) },
            secretAction: path + "/secrets",
            versions: versions.map {
                .init(number: $0.number, diffHref: path + "/versions/\($0.number)", created: time.string(from: $0.createdAt), isActive: $0.id == server.activeVersionID,
                      rollbackAction: $0.id == server.activeVersionID ? nil : path + "/versions/\($0.number)/activate")
            },
            deleteAction: path + "/delete",
            iterateAction: path + "/iterate",
            settingsAction: path + "/settings",
            domains: spec.allowedDomains.joined(separator: "\n"),
            drafterLabel: DraftService(req: req, current: current).choice.label,
            notice: notice, error: error,
            script: req.site.script("js/server.js")
        )
        return try await AppShellBuilder.page(req, current, "server", title: server.name, active: .servers, view, status: status)
    }


    static func playground(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else { return req.redirectToSignIn(returningTo: .servers) }
        let server = try await ServerService(req: req, current: current).find(req.parameters.get("id", as: UUID.self))
        let fields = try req.content.decode([String: String].self)
        let tool = fields["tool"] ?? ""
        let raw = (fields["arguments"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // The same cached context an MCP client's call runs with.
        guard let live = try await req.application.hosting.contexts.context(for: server.id!, app: req.application) else {
            return try await render(req, current, server, error: "The server has no live version yet.", selectedTool: tool,
                                    arguments: raw, posted: fields, status: .conflict)
        }
        let schema = live.spec.tools.first { $0.name == tool }?.inputSchema ?? ["type": "object"]
        let arguments: JSONValue
        if raw.isEmpty {
            arguments = PlaygroundForm.arguments(for: schema, fields: fields)
        } else if let parsed = try? JSONValue.parse(raw) {
            arguments = parsed
        } else {
            return try await render(req, current, server, error: "The arguments are not valid JSON.", selectedTool: tool,
                                    arguments: raw, posted: fields, status: .unprocessableEntity)
        }
        let invoker = ToolInvoker(app: req.application, server: server, spec: live.spec, secrets: live.secrets, plan: live.plan)
        do {
            let outcome = try await invoker.call(tool, arguments: arguments)
            let text = outcome.result["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined(separator: "\n") ?? ""
            let result = ServerPageView.PlaygroundResult(text: text, isError: outcome.isError, logs: outcome.logs,
                                                         duration: String(format: "%.1f ms", outcome.durationMilliseconds))
            return try await render(req, current, server, playground: result, selectedTool: tool, arguments: raw, posted: fields)
        } catch ToolInvoker.Failure.unknownTool(let name) {
            return try await render(req, current, server, error: "There is no tool called \(name).", arguments: raw,
                                    status: .unprocessableEntity)
        }
    }

    struct SecretForm: Content {
        let key: String
        let value: String
    }

    static func replaceSecret(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else { return req.redirectToSignIn(returningTo: .servers) }
        let server = try await ServerService(req: req, current: current).find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(SecretForm.self)
        let spec = try SpecJSON.decode(server.specJSON)
        guard spec.requiredSecrets.contains(where: { $0.key == form.key }) else {
            return try await render(req, current, server, error: "\(form.key) is not one of this server's secrets.", status: .unprocessableEntity)
        }
        try await ServerSecrets(database: req.db, box: req.application.secretBox)
            .replace(form.key, value: form.value, server: server.id!, organization: server.$organization.id, now: req.application.clock.now())
        req.application.hosting.contexts.invalidate(server.id!)
        try await AuditLog(request: req).record("server.secret_replaced", organization: server.$organization.id, actor: current.user.id,
                                                resourceType: "server", resourceID: server.id?.uuidString, metadata: ["key": form.key])
        return req.redirect(to: SiteRoute.server(server.id!).path + "?notice=secret", redirectType: .normal)
    }

    static func rollback(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else { return req.redirectToSignIn(returningTo: .servers) }
        let server = try await ServerService(req: req, current: current).find(req.parameters.get("id", as: UUID.self))
        guard let number = req.parameters.get("number", as: Int.self),
              let version = try await ServerVersion.query(on: req.db).filter(\.$server.$id == server.id!).filter(\.$number == number).first()
        else { throw APIError(.notFound, "version_not_found", "There is no such version.") }
        server.activeVersionID = version.id
        server.status = .active
        server.updatedAt = req.application.clock.now()
        try await server.save(on: req.db)
        req.application.hosting.contexts.invalidate(server.id!)
        try await AuditLog(request: req).record("server.version_activated", organization: server.$organization.id, actor: current.user.id,
                                                resourceType: "server", resourceID: server.id?.uuidString, metadata: ["version": String(number)])
        return req.redirect(to: SiteRoute.server(server.id!).path + "?notice=rollback", redirectType: .normal)
    }

    struct DeleteForm: Content {
        let confirm: String
    }

    static func delete(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else { return req.redirectToSignIn(returningTo: .servers) }
        let service = ServerService(req: req, current: current)
        let server = try await service.find(req.parameters.get("id", as: UUID.self))
        let form = try req.content.decode(DeleteForm.self)
        guard form.confirm.trimmingCharacters(in: .whitespaces) == server.slug else {
            return try await render(req, current, server, error: "Type the slug “\(server.slug)” to confirm deletion.", status: .unprocessableEntity)
        }
        try await service.delete(server)
        return req.redirect(to: SiteRoute.servers.path + "?deleted=" + server.slug, redirectType: .normal)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
