import Core
import Fluent
import Foundation
import Vapor

/// The template page's Fork button and the fork wizard (`/servers/new/fork?ref=…`):
/// plain form posts, no script needed.
enum ForkWizardController {
    /// `POST /templates/{slug}/fork`: a reference, then the wizard. Signed-out visitors
    /// sign in and come back to the template's page.
    static func fork(_ req: Request) async throws -> Response {
        let slug = req.parameter(.template, as: String.self) ?? ""
        guard let current = req.currentUser else { return req.redirectToSignIn(returningTo: .template(.value(slug))) }
        let (token, _) = try await req.forks(current).reference(slug: slug)
        return req.redirect(to: SiteRoute.forkWizard.path(QueryString([("ref", token)])), redirectType: .normal)
    }

    static func page(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let token = (try? req.query.get(String.self, at: "ref")) ?? ""
        let forks = req.forks(current)
        let offer = try await forks.resolve(token)
        let slug = try await forks.suggestedSlug(offer.spec.slug)
        return try await render(req, current, offer, token: token, name: offer.spec.name, slug: slug, values: [:], errors: [:], error: nil)
    }

    static func submit(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let fields = try req.content.decode([String: String].self)
        var token = fields["ref"] ?? ""
        let forks = req.forks(current)
        let offer: ForkService.Offer
        var renewedLink = false
        do {
            offer = try await forks.resolve(token)
        } catch let error as APIError where error.code == "fork_ref_expired" {
            // Renewed rather than refused, so what was typed is not lost; nothing is created on this post.
            guard let renewed = try await forks.renewed(token) else { throw error }
            (token, offer, renewedLink) = (renewed.token, renewed.offer, true)
        }
        let name = (fields["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let slug = (fields["slug"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        var values: [String: String] = [:]
        let carry = req.formSecretCarry(current, .fork)
        for secret in offer.spec.requiredSecrets {
            values[secret.key] = carry.value(typed: fields[field(secret.key)], sealed: fields[sealedField(secret.key)])
        }
        if renewedLink {
            return try await render(req, current, offer, token: token, name: name, slug: slug, values: values, errors: [:],
                                    error: "The fork link had expired (they last five minutes), so nothing was created yet. It is renewed: check the form and press the button again.",
                                    status: .conflict)
        }

        var errors: [String: String] = [:]
        if name.isEmpty { errors["name"] = "Give the server a name." }
        if !ServerSlug.isValid(slug) { errors["slug"] = ServerSlug.rule }
        guard errors.isEmpty else {
            return try await render(req, current, offer, token: token, name: name, slug: slug, values: values, errors: errors,
                                    error: "Some fields need attention.", status: .unprocessableEntity)
        }
        let creation = ForkService.Creation(name: name, slug: slug, secrets: values)
        do {
            let (server, _) = try await forks.create(offer, creation)
            return req.redirect(to: SiteRoute.server(.value(server.id!)).path(QueryString([("from", "wizard")])), redirectType: .normal)
        } catch let error as APIError where !["fork_ref_expired", "fork_ref_mismatch", "fork_ref_invalid"].contains(error.code) {
            // Sent twice (a double click): the first made the fork, and the second shows it, where it would be
            // refused for the slug (or the plan's server limit) that very server takes.
            if let made = try await req.servers(current).justCreated(try await forks.spec(of: offer, creation)) {
                return req.redirect(to: SiteRoute.server(.value(made.id!)).path(QueryString([("from", "wizard")])), redirectType: .normal)
            }
            if error.code == "slug_taken" { errors["slug"] = error.reason }
            return try await render(req, current, offer, token: token, name: name, slug: slug, values: values, errors: errors,
                                    error: error.reason, status: error.status).carrying(error)
        }
    }

    static func field(_ key: String) -> String { "secret_\(key)" }
    static func sealedField(_ key: String) -> String { "sealed_\(key)" }

    static func render(_ req: Request, _ current: CurrentUser, _ offer: ForkService.Offer, token: String, name: String, slug: String,
                       values: [String: String], errors: [String: String], error: String?, status: HTTPStatus = .ok) async throws -> Response {
        let template = offer.template
        // Named as the template page names them: never an address or its local part.
        let user = try await template.$author.id.asyncFlatMap { try await User.find($0, on: req.db) }
        let author = TemplateAuthor.publicName(user?.displayName, email: user?.email)
        let hints = (try? JSONDecoder().decode([String: SecretHint].self, from: Data(template.secretHintsJSON.utf8))) ?? [:]
        let carry = req.formSecretCarry(current, .fork)
        let view = ForkWizardView(
            csrf: req.csrfToken(req.accounts.cookies),
            action: SiteRoute.forkWizard.path,
            ref: token,
            banner: "Forking \(template.title) v\(offer.version.number) by \(author)",
            templateHref: SiteRoute.template(.value(template.slug)).path,
            name: name, slug: slug, nameError: errors["name"], slugError: errors["slug"],
            description: offer.spec.description,
            domains: offer.spec.allowedDomains, hasDomains: !offer.spec.allowedDomains.isEmpty,
            tools: offer.spec.tools.enumerated().map { index, tool in
                .init(number: index + 1, name: tool.name, title: tool.title, description: tool.description,
                      schema: SpecJSON.pretty(tool.inputSchema), hints: hintLabels(tool.annotations),
                      hasHints: !hintLabels(tool.annotations).isEmpty, implementation: tool.implementation)
            },
            secrets: offer.spec.requiredSecrets.map { secret in
                let shown = SecretHint.shown(hints[secret.key], for: secret)
                return .init(key: secret.key, field: field(secret.key), description: shown.description,
                             linkHref: shown.url.flatMap(WizardController.safeLink), sealedField: sealedField(secret.key),
                             sealedValue: carry.seal(values[secret.key] ?? ""))
            },
            hasSecrets: !offer.spec.requiredSecrets.isEmpty,
            error: error,
            expiresNote: "This fork link is valid until \(TimeText.minute(offer.reference.expiresAt)); after that, press Fork on the template's page again.",
            iterateNote: "A fork starts as the template's exact spec. Once it is built, change tools with Iterate on the server's page.",
            slugCheckHref: SiteRoute.api(.slugAvailability).path)
        return try await AppShellBuilder.page(req, current, "Marketplace/fork-wizard", title: "Fork \(template.title)", active: .newServer,
                                              view, status: status)
    }

    static func hintLabels(_ annotations: ToolAnnotations?) -> [String] {
        guard let annotations else { return [] }
        return [
            annotations.readOnlyHint == true ? "Only reads" : nil,
            annotations.destructiveHint == true ? "May delete or overwrite data" : nil,
            annotations.idempotentHint == true ? "Idempotent" : nil,
            annotations.openWorldHint == true ? "Reaches external services" : nil,
        ].compactMap { $0 }
    }
}

extension Optional {
    fileprivate func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
