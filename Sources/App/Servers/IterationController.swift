import Core
import Drafting
import Fluent
import Foundation
import Vapor

/// Changing a live server: describe the change in words (the drafter revises the
/// spec and the owner reviews a diff before building), edit its settings, or
/// compare two versions. Every change becomes a new immutable version by a build.
enum IterationController {
    struct IterateForm: Content {
        let change: String
    }

    static func iterate(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let change = try req.content.decode(IterateForm.self).change
        let drafts = req.drafts(current)
        let base = try await liveSpec(server, req)
        do {
            let input = try PreviewInput(prompt: change, name: nil, slug: nil).validated()
            let choice = drafts.choice
            let key = ["iterate", server.id!.uuidString, SpecJSON.encode(base), input.prompt].joined(separator: "\n")
            let prepared = DraftService.Prepared(input: input, choice: choice,
                                                 promptHash: SecretToken.sha256(key))
            let draft: Draft
            if let hit = try await drafts.cached(prepared) {
                draft = hit
            } else {
                try await drafts.checkQuota()
                var request = prepared.request
                request.revising = base
                request.slug = server.slug
                let result: DraftResult
                do {
                    result = try await choice.drafter.draft(request)
                } catch {
                    throw APIError(error, timeoutSeconds: req.application.drafting.timeoutSeconds)
                }
                var revised = result.spec
                revised.slug = server.slug
                try SpecChecks.validateAndScan(revised)
                draft = try await drafts.store(DraftResult(spec: revised, model: result.model), prepared)
            }
            return req.redirect(to: SiteRoute.server(.value(server.id!), .iteration(.value(draft.id!))).path, redirectType: .normal)
        } catch let error as APIError {
            return try await req.renderServerPage(current, server, error: error.reason, status: error.status)
        }
    }

    static func review(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let draft = try await req.drafts(current).find(try draftID(req))
        let revised = try SpecJSON.decode(draft.specJSON)
        let base = try await liveSpec(server, req)
        return try await renderDiff(req, current, server, title: "Review the change", lede: "“\(draft.prompt)”, drafted by \(draft.drafter).",
                                    old: base, new: revised,
                                    buildAction: SiteRoute.server(.value(server.id!), .iteration(.value(draft.id!))).path)
    }

    static func build(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let draft = try await req.drafts(current).find(try draftID(req))
        return try await rebuild(req, current, server, spec: try SpecJSON.decode(draft.specJSON))
    }

    struct SettingsForm: Content {
        let name: String
        let domains: String
    }

    /// New name or allowed domains: a new version, built like any other.
    static func settings(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let form = try req.content.decode(SettingsForm.self)
        var spec = try await liveSpec(server, req)
        spec.name = form.name.trimmingCharacters(in: .whitespacesAndNewlines)
        spec.allowedDomains = ReviewForm.domains(from: form.domains)
        return try await rebuild(req, current, server, spec: spec)
    }

    private static func rebuild(_ req: Request, _ current: CurrentUser, _ server: HostedServer, spec: ServerSpec) async throws -> Response {
        do {
            let values = try await ServerSecrets(database: req.db, box: req.application.secretBox)
                .values(server: server.id!, organization: server.$organization.id)
            try SpecChecks.validateAndScan(spec, secretValues: Array(values.values))
            server.specJSON = SpecJSON.encode(spec)
            _ = try await BuildQueue(database: req.db, now: req.application.clock.now)
                .enqueue(spec, for: server, by: current.user.id, plan: PlanTable.plan(current.organization.planID))
            req.application.hosting.buildSignal.signal()
            try await req.auditLog().record("server.build_requested", organization: server.$organization.id, actor: current.user.id,
                                                    resourceType: "server", resourceID: server.id?.uuidString)
            return req.redirect(to: SiteRoute.server(.value(server.id!)).path, redirectType: .normal)
        } catch let error as APIError {
            return try await req.renderServerPage(current, server, error: error.reason, status: error.status)
        }
    }

    static func versionDiff(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        guard let number = req.parameter(.version, as: Int.self),
              let version = try await ServerVersion.query(on: req.db).filter(\.$server.$id == server.id!).filter(\.$number == number).first()
        else { throw APIError(.notFound, "version_not_found", "There is no such version.") }
        let previous = try await ServerVersion.query(on: req.db).filter(\.$server.$id == server.id!).filter(\.$number == number - 1).first()
        let new = try SpecJSON.decode(version.specJSON)
        let old = try previous.map { try SpecJSON.decode($0.specJSON) }
        return try await renderDiff(req, current, server, title: "Version \(number)",
                                    lede: previous == nil ? "The first version, in full." : "What changed since version \(number - 1).",
                                    old: old, new: new, buildAction: nil)
    }

    private static func renderDiff(_ req: Request, _ current: CurrentUser, _ server: HostedServer, title: String, lede: String,
                                   old: ServerSpec?, new: ServerSpec, buildAction: String?) async throws -> Response {
        let lines = LineDiff.diff(old.map { SpecJSON.pretty($0) } ?? "", SpecJSON.pretty(new))
        let view = SpecDiffView(
            title: title, lede: lede, serverName: server.name, backHref: SiteRoute.server(.value(server.id!)).path,
            lines: lines.map { .init(kind: $0.kind.rawValue, marker: $0.kind == .added ? "+" : $0.kind == .removed ? "−" : " ", text: $0.text) },
            added: lines.filter { $0.kind == .added }.count, removed: lines.filter { $0.kind == .removed }.count,
            buildAction: buildAction, csrf: req.csrfToken(req.accounts.cookies))
        return try await AppShellBuilder.page(req, current, "spec-diff", title: title, active: .servers, view)
    }

    /// What clients are served now (or, before any build succeeded, the stored spec).
    static func liveSpec(_ server: HostedServer, _ req: Request) async throws -> ServerSpec {
        if let id = server.activeVersionID, let version = try await ServerVersion.find(id, on: req.db) {
            return try SpecJSON.decode(version.specJSON)
        }
        return try SpecJSON.decode(server.specJSON)
    }

    static func draftID(_ req: Request) throws -> UUID {
        guard let id = req.parameter(.draft, as: UUID.self) else {
            throw APIError(.notFound, "preview_not_found", "There is no such draft in this workspace.")
        }
        return id
    }
}

struct SpecDiffView: Encodable {
    struct Line: Encodable {
        let kind: String
        let marker: String
        let text: String
    }

    let title: String
    let lede: String
    let serverName: String
    let backHref: String
    let lines: [Line]
    let added: Int
    let removed: Int
    let buildAction: String?
    let csrf: String
}
