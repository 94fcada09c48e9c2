import Core
import Foundation
import Vapor

/// `/servers/{id}/publish`: the listing form for a server not yet published, or its
/// template with "Publish version N as vM". The wizard's "Share as template" box posts
/// here too. Every answer is a plain form post; failures re-render with what was typed.
enum PublishPageController {
    static func page(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { ["version": "New version published."][$0] }
        return try await render(req, current, server, notice: notice)
    }

    static func publish(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let server = try await req.servers(current).find(req.parameter(.server, as: UUID.self))
        let fields = try req.content.decode([String: String].self)
        let publisher = req.templatePublisher(current)
        let serverPath = SiteRoute.server(.value(server.id!)).path

        if let template = try await publisher.template(publishedFrom: server) {
            // A second click on "Publish template" (or a stale form) finds it published already.
            guard fields["action"] == "version" else {
                return req.redirect(to: SiteRoute.server(.value(server.id!), .publish).path, redirectType: .normal)
            }
            do {
                guard template.status != .takedown else { throw TemplateAccess.takenDown(template) }
                _ = try await publisher.publishVersion(of: template)
                return req.redirect(to: SiteRoute.server(.value(server.id!), .publish).path(QueryString([("notice", "version")])),
                                    redirectType: .normal)
            } catch let error as APIError {
                return try await render(req, current, server, error: error, status: error.status).carrying(error)
            } catch let blocked as PublishBlocked {
                return try await render(req, current, server, error: APIError(.unprocessableEntity, "publish_blocked", blocked.message),
                                        findings: blocked.findings, status: .unprocessableEntity)
            }
        }

        let wizard = fields["from"] == "wizard"
        // The wizard's box is pre-ticked; unticked, the same button publishes nothing.
        if wizard && fields["share"] == nil {
            return req.redirect(to: serverPath + "?" + QueryString([("notice", "not-shared")]).text, redirectType: .normal)
        }
        let version: ServerVersion
        do {
            version = try await publisher.activeVersion(of: server)
        } catch let error as APIError {
            return try await render(req, current, server, error: error, status: error.status).carrying(error)
        }
        let spec = try SpecJSON.decode(version.specJSON)
        let draft = PublishFormView.draft(from: fields, spec: spec)
        do {
            let template = try await publisher.publish(server, listing: draft)
            return req.redirect(to: SiteRoute.template(.value(template.slug)).path, redirectType: .normal)
        } catch let error as APIError {
            return try await render(req, current, server, wizard: wizard, draft: draft, error: error, status: error.status).carrying(error)
        } catch let blocked as PublishBlocked {
            return try await render(req, current, server, wizard: wizard, draft: draft,
                                    error: APIError(.unprocessableEntity, "publish_blocked", blocked.message), findings: blocked.findings,
                                    status: .unprocessableEntity)
        }
    }

    private static func render(_ req: Request, _ current: CurrentUser, _ server: HostedServer, wizard: Bool = false,
                               draft: TemplateListingText.Draft? = nil, error: APIError? = nil, findings: [SpecFinding] = [],
                               notice: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let csrf = req.csrfToken(req.accounts.cookies)
        let section = try await req.templatePublisher(current).section(
            for: server, csrf: csrf, wizardBox: wizard, withForm: true, draft: draft, error: error,
            findings: findings)
        let view = PublishPageView(csrf: csrf, serverName: server.name, serverHref: SiteRoute.server(.value(server.id!)).path,
                                   profileHref: SiteRoute.settings.path(fragment: "profile-title"), notice: notice,
                                   error: section.form == nil ? error?.reason : nil,
                                   findings: section.form == nil ? findings.map { .init(path: $0.path, message: $0.message) } : [],
                                   publish: section)
        return try await AppShellBuilder.page(req, current, "Marketplace/publish", title: "Publish \(server.name)", active: .servers,
                                              view, status: status)
    }
}
