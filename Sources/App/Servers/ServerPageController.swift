import Core
import Fluent
import Foundation
import Sandbox
import Vapor

/// `/servers/{id}` and its tabs: status, live build log and install snippets (Overview),
/// tools, a playground, recent calls (Logs), secrets, versions, settings and deletion.
/// Every action is a plain form post that comes back to the tab it was sent from.
enum ServerPageController {
    static func tab(_ tab: ServerTab) -> @Sendable (Request) async throws -> Response {
        { req in
            let current = try req.requireUser()
            let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
            return try await req.renderServerPage(current, server, tab: tab,
                                                  notice: (try? req.query.get(String.self, at: "notice")).flatMap(noticeText))
        }
    }

    static func noticeText(_ key: String) -> String? {
        [
            "secret": "Secret saved. It is used from the next call on.",
            "secret-deleted": "Secret deleted.",
            "rollback": "Version activated.",
            "settings": "Settings saved. A new version is building; Overview shows its log.",
            "not-shared": "Not shared: the server stays private. You can publish it as a template later from its Publish page.",
        ][key]
    }

    /// Where a form posted from `tab` sends the browser back to, with its notice.
    static func back(_ req: Request, _ server: HostedServer, to tab: ServerTab, notice: String? = nil) -> Response {
        let query = QueryString(notice.map { [("notice", $0)] } ?? [])
        return req.redirect(to: SiteRoute.server(.value(server.id!), tab.page).path(query), redirectType: .normal)
    }

    static func playground(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        // Argument fields are named after the tool's properties, brackets and all.
        let fields = req.headers.contentType == .urlEncodedForm ? FormBody.fields(req.body.string ?? "")
            : try req.content.decode([String: String].self)
        let tool = fields["tool"] ?? ""
        let raw = (fields["arguments"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // A reload of the result page would call the tool again (a second issue opened, a second message sent).
        let once = fields[FormOnce.field]
        guard try await FormOnce.spend(once, on: req) else {
            return try await req.renderServerPage(current, server, tab: .playground,
                                                  error: "This run was already sent (the page was reloaded), so the tool was not called again. Press Run to call it again.",
                                                  selectedTool: tool, arguments: raw, posted: fields, status: .conflict)
        }
        // The same cached context an MCP client's call runs with.
        guard let live = try await req.application.hosting.contexts.context(for: server.id!, app: req.application) else {
            return try await FormOnce.released(once, req, req.renderServerPage(current, server, tab: .playground, error: "The server has no live version yet.", selectedTool: tool,
                                    arguments: raw, posted: fields, status: .conflict))
        }
        // A playground call is a tool call like any other: the takedown that stops the endpoint, the
        // per-minute and monthly limits, counted on the same windows (the person's own, and the server's).
        if live.stamp.isTemplateTakenDown {
            let stopped = try await TemplateTakedown.endpointStopped(templateOf: server, on: req.db)
            return try await FormOnce.released(once, req, req.renderServerPage(current, server, tab: .playground, error: stopped.reason, selectedTool: tool,
                                                  arguments: raw, posted: fields, status: .gone))
        }
        let schema = live.spec.tools.first { $0.name == tool }?.inputSchema ?? ["type": "object"]
        let arguments: JSONValue
        if raw.isEmpty {
            arguments = PlaygroundForm.arguments(for: schema, fields: fields)
        } else if let parsed = try? JSONValue.parse(raw) {
            arguments = parsed
        } else {
            return try await FormOnce.released(once, req, req.renderServerPage(current, server, tab: .playground, error: "The arguments are not valid JSON.", selectedTool: tool,
                                    arguments: raw, posted: fields, status: .unprocessableEntity))
        }
        let context = MCPContext(live: live, userID: current.user.id!, tokenKey: "playground:" + current.user.id!.uuidString)
        if let refusal = try await ToolCallLimiter.count(req, context) {
            return try await FormOnce.released(once, req, refused(req, current, server, tool: tool, raw: raw, fields: fields, retryAfter: refusal.retryAfterSeconds,
                                     message: "Too many tool calls: at most \(refusal.perMinute) a minute. Try again in \(refusal.retryAfterSeconds) s."))
        }
        if let exceeded = try await ToolCallLimiter.countMonthly(req, context) {
            return try await FormOnce.released(once, req, refused(req, current, server, tool: tool, raw: raw, fields: fields, retryAfter: exceeded.retryAfterSeconds,
                                     message: exceeded.message))
        }
        let invoker = ToolInvoker(hosting: req.application.hosting, clock: req.application.clock, server: server, spec: live.spec, realm: live.realm, secrets: live.secrets, plan: live.plan,
                                  metrics: req.application.metrics, trace: req.trace)
        do {
            let outcome = try await invoker.call(tool, arguments: arguments)
            let text = ToolContent.plainText(outcome.result["content"]?.arrayValue ?? [])
            let result = ServerPageView.PlaygroundResult(text: text, isError: outcome.isError, logs: outcome.logs,
                                                         duration: String(format: "%.1f ms", outcome.durationMilliseconds))
            return try await req.renderServerPage(current, server, tab: .playground, playground: result, selectedTool: tool, arguments: raw, posted: fields)
        } catch ToolInvoker.Failure.unknownTool(let name) {
            req.application.hosting.monthlyCalls.settled(organization: server.$organization.id)
            return try await req.renderServerPage(current, server, tab: .playground, error: "There is no tool called \(name).", arguments: raw,
                                    status: .unprocessableEntity)
        } catch ToolInvoker.Failure.overloaded(let seconds) {
            let page = try await req.renderServerPage(current, server, tab: .playground, error: SandboxFailure.overloaded(retryAfterSeconds: seconds).message,
                                                      selectedTool: tool, arguments: raw, posted: fields, status: .serviceUnavailable)
            page.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
            return page
        }
    }

    /// 429 with `Retry-After`, the form as it was posted and the reason above it.
    private static func refused(_ req: Request, _ current: CurrentUser, _ server: HostedServer, tool: String, raw: String,
                                fields: [String: String], retryAfter: Int, message: String) async throws -> Response {
        let page = try await req.renderServerPage(current, server, tab: .playground, error: message, selectedTool: tool,
                                                  arguments: raw, posted: fields, status: .tooManyRequests)
        page.headers.replaceOrAdd(name: "Retry-After", value: String(retryAfter))
        return page
    }

    struct SecretForm: Content {
        let key: String
        let value: String?
        /// `delete` removes a secret no version in use declares.
        let action: String?
    }

    static func replaceSecret(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let form = try req.content.decode(SecretForm.self)
        let deletes = form.action == "delete"
        do {
            if deletes {
                try await req.servers(current).deleteSecret(form.key, of: server)
            } else {
                try await req.servers(current).replaceSecret(form.key, value: form.value ?? "", of: server)
            }
        } catch let error as APIError {
            return try await req.renderServerPage(current, server, tab: .secrets, error: error.reason, status: error.status).carrying(error)
        }
        return back(req, server, to: .secrets, notice: deletes ? "secret-deleted" : "secret")
    }

    /// Creates an `mcp`-scoped token for this one server and shows the install snippets with it.
    /// Rendered, not redirected: the secret appears exactly once and never in a URL.
    static func installToken(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        guard try await FormOnce.spend(try? req.content.get(String.self, at: FormOnce.field), on: req) else {
            return try await req.renderServerPage(current, server, tab: .overview, notice: "This form was already sent (the page was reloaded), so no second token was made. The one it made is under Settings → API tokens; its value was shown once, so if you did not copy it, revoke it there and make another here.", status: .conflict)
        }
        let name = String("\(server.name) (install)".prefix(APITokenService.maxNameLength))
        let (_, secret) = try await req.tokenService().create(name: name, expiresInDays: 90, scopes: [.mcp], server: server, for: current)
        return try await req.renderServerPage(current, server, tab: .overview, installToken: secret)
    }

    /// A form's address opened as a page (the address bar after a refused form, reloaded or bookmarked): the tab the
    /// form is on, where a bare 405 page would say this address takes POST.
    static func toTab(_ tab: ServerTab) -> @Sendable (Request) async throws -> Response {
        { req in
            let current = try req.requireUser()
            let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
            return req.redirect(to: tab.path(server.id!), redirectType: .normal)
        }
    }

    static func rollback(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let number = try req.versionNumber()
        do {
            try await req.servers(current).activate(version: number, of: server)
        } catch let error as APIError where error.status != .notFound {
            return try await req.renderServerPage(current, server, tab: .versions, error: error.reason, status: error.status).carrying(error)
        }
        return back(req, server, to: .versions, notice: "rollback")
    }

    struct DeleteForm: Content {
        let confirm: String
    }

    static func delete(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let service = req.servers(current)
        let server = try await service.find(req.parameter(.server, as: UUID.self))
        let form = try req.content.decode(DeleteForm.self)
        guard form.confirm.trimmingCharacters(in: .whitespaces) == server.slug else {
            // Said at the field, with what was typed, focused: not in a banner above the tab.
            return try await req.renderServerPage(current, server, tab: .settings, posted: ["confirm": String(form.confirm.prefix(200))],
                                                  deleteError: "Type the slug “\(server.slug)” exactly to confirm deletion.",
                                                  status: .unprocessableEntity)
        }
        try await service.delete(server)
        return req.redirect(to: SiteRoute.servers.path(QueryString([("deleted", server.slug)])), redirectType: .normal)
    }
}
