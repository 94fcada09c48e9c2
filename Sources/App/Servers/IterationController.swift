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
        do {
            let base = try await req.servers(current).liveSpec(server)
            let draft = try await req.drafts(current).revise(base, of: server, change: change)
            return req.redirect(to: SiteRoute.server(.value(server.id!), .iteration(.value(draft.id!))).path, redirectType: .normal)
        } catch let error as APIError {
            return try await req.renderServerPage(current, server, tab: .versions, error: error.reason, posted: ["change": change], status: error.status).carrying(error)
        }
    }

    static func review(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let draft = try await req.drafts(current).revision(try draftID(req), of: server)
        let revised = try SpecJSON.decode(draft.specJSON)
        let base = try await req.servers(current).liveSpec(server)
        // Drafted from a version that no longer serves (another tab, or someone else, made one live since): its
        // diff against what serves now would show that version's changes undone, and building it would undo them.
        guard DraftService.revises(draft, base, of: server) else {
            return try await renderDiff(req, current, server, title: "Drafted from an earlier version",
                                        lede: Self.staleRevision(draft), old: base, new: revised, buildAction: nil)
        }
        // A drafter that could not make the change (the offline catalog, a model that declined) hands the
        // spec back as it was: nothing to build, and the page says what to do instead.
        guard revised != base else {
            return try await renderDiff(req, current, server, title: "Nothing changed",
                                        lede: "\(draft.drafter) could not make “\(draft.prompt)” and left the spec as it is. Describe the change "
                                            + "differently, or edit the spec by hand on the Versions tab.",
                                        old: base, new: revised, buildAction: nil)
        }
        return try await renderDiff(req, current, server, title: "Review the change", lede: "“\(draft.prompt)”, drafted by \(draft.drafter).",
                                    old: base, new: revised,
                                    buildAction: SiteRoute.server(.value(server.id!), .iteration(.value(draft.id!))).path)
    }

    struct SpecForm: Content {
        let spec: String?
        let base: String?
    }

    /// The live spec edited by hand, for changes no drafter makes (code fixed by hand, a drafter
    /// that is offline): built as the next version. The slug, the server's address, stays. A refused
    /// edit comes back with the text as typed and every problem in it at once.
    static func editSpec(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let form = try req.content.decode(SpecForm.self)
        let typed = form.spec ?? ""
        func refused(_ problems: [String]) async throws -> Response {
            try await req.renderServerPage(current, server, tab: .versions,
                                           error: problems.count == 1 ? "The spec was not built: 1 problem to fix." : "The spec was not built: \(problems.count) problems to fix.",
                                           posted: ["spec": typed], specProblems: problems, status: .unprocessableEntity)
        }
        var spec: ServerSpec
        do {
            spec = try SpecJSON.decode(typed)
        } catch {
            return try await refused([SpecJSON.problem(decoding: typed, error)])
        }
        spec.slug = server.slug
        let problems = SpecValidator.problems(in: spec).map { "\($0.path): \($0.message)" }
            + SpecScanner.findings(in: spec, secretValues: []).map { "\($0.path): \($0.message)" }
        guard problems.isEmpty else { return try await refused(problems) }
        return try await rebuild(req, current, server, spec: spec, done: .overview, failed: .versions, posted: ["spec": typed], base: form.base)
    }

    /// Builds a drafted revision from its review page.
    static func build(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let draft = try await req.drafts(current).revision(try draftID(req), of: server)
        let spec = try SpecJSON.decode(draft.specJSON)
        let live = try await req.servers(current).liveSpec(server)
        guard DraftService.revises(draft, live, of: server) else {
            // Unless this very change is what serves now: built from this page a moment ago (a reload of its answer).
            // While it builds, the live spec is still the one it revised, and the rebuild below finds its build.
            if spec == live {
                return ServerPageController.back(req, server, to: .overview)
            }
            return try await req.renderServerPage(current, server, tab: .versions, error: Self.staleRevision(draft), posted: ["change": draft.prompt],
                                                  status: .conflict)
        }
        // Built from the review page: Overview follows the build's log; a refusal goes back to Iterate.
        return try await rebuild(req, current, server, spec: spec, done: .overview, failed: .versions)
    }

    static func staleRevision(_ draft: Draft) -> String {
        "Not built: “\(draft.prompt)” was drafted from a version that no longer serves, and building it would undo what went live since. "
            + "Describe the change again (it is below), and it is drafted from what serves now."
    }

    struct SettingsForm: Content {
        let name: String
        let domains: String
        let base: String?
    }

    /// New name or allowed domains: a new version, built like any other.
    static func settings(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let form = try req.content.decode(SettingsForm.self)
        var spec = try await req.servers(current).liveSpec(server)
        spec.name = form.name.trimmingCharacters(in: .whitespacesAndNewlines)
        spec.allowedDomains = ReviewForm.domains(from: form.domains)
        return try await rebuild(req, current, server, spec: spec, done: .settings, notice: "settings", failed: .settings,
                                 posted: ["name": form.name, "domains": form.domains], base: form.base)
    }

    /// `base`: the version live when the form's page was made (forms from before it was sent have none).
    private static func rebuild(_ req: Request, _ current: CurrentUser, _ server: HostedServer, spec: ServerSpec,
                                done: ServerTab, notice: String? = nil, failed: ServerTab, posted: [String: String] = [:],
                                base: String? = nil) async throws -> Response {
        do {
            // The same form sent twice (a double click): the second answer is the first's, not "still building".
            if try await req.servers(current).isBuilding(server, spec: spec) {
                return ServerPageController.back(req, server, to: done, notice: notice)
            }
            if let base { try await req.servers(current).requireBase(server, base: base) }
            try await req.servers(current).requireChange(server, spec: spec)
            try await req.servers(current).rebuild(server, spec: spec)
            return ServerPageController.back(req, server, to: done, notice: notice)
        } catch let error as APIError {
            return try await req.renderServerPage(current, server, tab: failed, error: error.reason, posted: posted, status: error.status).carrying(error)
        }
    }

    static func versionDiff(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let number = try req.versionNumber()
        let (version, previous) = try await req.servers(current).version(number, of: server)
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
            title: title, lede: lede, serverName: server.name, backHref: ServerTab.versions.path(server.id!),
            lines: lines.map { .init(kind: $0.kind.rawValue, marker: $0.kind == .added ? "+" : $0.kind == .removed ? "−" : " ", text: $0.text) },
            added: lines.filter { $0.kind == .added }.count, removed: lines.filter { $0.kind == .removed }.count,
            buildAction: buildAction, csrf: req.csrfToken(req.accounts.cookies))
        // Named with the server, as its tabs are: every server has a "Version 1" (WCAG 2.4.2).
        return try await AppShellBuilder.page(req, current, "Servers/spec-diff", title: "\(title) · \(server.name)", active: .servers, view)
    }

    static func draftID(_ req: Request) throws -> UUID {
        guard let id = req.parameter(.draft, as: UUID.self) else {
            throw APIError(.notFound, "preview_not_found", "There is no such draft in this workspace.")
        }
        return id
    }
}
