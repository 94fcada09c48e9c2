import Core
import Fluent
import Foundation
import Vapor

/// `/servers/{id}/template-update`: the diff a fork's template offers (GET) and applying
/// it (POST), which returns to the server's page with the build running.
enum TemplateUpdateController {
    static func page(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        return try await render(req, current, server, error: nil, missing: [])
    }

    static func apply(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let fields = try req.content.decode([String: String].self)
        var secrets: [String: String] = [:]
        for (name, value) in fields where name.hasPrefix("secret_") { secrets[String(name.dropFirst("secret_".count))] = value }
        do {
            _ = try await req.templateUpdates(current).apply(server, secrets: secrets)
            return req.redirect(to: SiteRoute.server(.value(server.id!)).path, redirectType: .normal)
        } catch let required as TemplateUpdateService.SecretsRequired {
            return try await render(req, current, server, error: required.message, missing: required.keys, status: .unprocessableEntity)
        } catch let error as APIError where error.code != TemplateUpdateService.notAFork.code {
            return try await render(req, current, server, error: error.reason, missing: [], status: error.status).carrying(error)
        }
    }

    static func render(_ req: Request, _ current: CurrentUser, _ server: HostedServer, error: String?, missing: [String],
                       status: HTTPStatus = .ok) async throws -> Response {
        let check = try await req.templateUpdates(current).check(server)
        let template = check.template
        let spec = check.proposed.map { TemplateUpdateDiff.spec(check.active, $0) } ?? []
        let code = check.proposed.map { TemplateUpdateDiff.code(check.active, $0) } ?? []
        let hints = (try? JSONDecoder().decode([String: SecretHint].self, from: Data(template.secretHintsJSON.utf8))) ?? [:]
        let title = check.available ? "Update from \(template.title) v\(template.latestVersion)" : "\(template.title): no update"
        let lede = check.available
            ? "Your server was forked from version \(check.currentNumber). Applying builds version \(template.latestVersion)'s spec and code as your server's next version; your secrets, name and slug stay. You can roll back to any earlier version afterwards."
            : template.status == .takedown
                ? "The template was taken down by the moderators; it offers no updates."
                : "Your server is up to date with version \(check.currentNumber) of the template."
        let view = TemplateUpdateView(
            title: title, lede: lede, serverName: server.name, backHref: SiteRoute.server(.value(server.id!)).path,
            available: check.available,
            specLines: spec.map(line), codeLines: code.map(line),
            added: (spec + code).filter { $0.kind == .added }.count, removed: (spec + code).filter { $0.kind == .removed }.count,
            newSecrets: check.newSecrets.map { secret in
                let shown = SecretHint.shown(hints[secret.key], for: secret)
                return .init(key: secret.key, field: "secret_\(secret.key)", description: shown.description,
                             linkHref: shown.url.flatMap(WizardController.safeLink),
                             error: missing.contains(secret.key) ? "Enter a value for \(secret.key) to apply the update." : nil)
            },
            hasNewSecrets: !check.newSecrets.isEmpty,
            action: SiteRoute.server(.value(server.id!), .templateUpdate).path,
            csrf: req.csrfToken(req.accounts.cookies), error: error)
        return try await AppShellBuilder.page(req, current, "Marketplace/template-update", title: title, active: .servers, view, status: status)
    }

    static func line(_ line: LineDiff.Line) -> TemplateUpdateView.Line {
        .init(kind: line.kind.rawValue, marker: line.kind == .added ? "+" : line.kind == .removed ? "−" : " ", text: line.text)
    }
}

extension TemplateUpdateBanner {
    /// The banner for `server`'s page, or nil: not a fork, up to date, or the template
    /// is no longer offered. Reads two rows, and only for forks.
    static func load(_ server: HostedServer, on database: any Database) async throws -> TemplateUpdateBanner? {
        guard let templateID = server.templateID, let template = try await Template.find(templateID, on: database),
              TemplateUpdateService.reaches(template, server)
        else { return nil }
        let number = try await server.templateVersionID.asyncFlatMap { try await TemplateVersion.find($0, on: database) }?.number ?? 0
        guard template.latestVersion > number else { return nil }
        return TemplateUpdateBanner(text: "Update available from \(template.title) v\(template.latestVersion)",
                                    href: SiteRoute.server(.value(server.id!), .templateUpdate).path)
    }
}

extension Optional {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
