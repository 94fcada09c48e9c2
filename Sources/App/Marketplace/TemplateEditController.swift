import Core
import Foundation
import Vapor

/// `/templates/{slug}/edit`: the owner's listing form and the public ↔ hidden switch.
/// Anyone outside the template's workspace gets 404, as for a template that does not exist.
enum TemplateEditController {
    static func page(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let publisher = req.templatePublisher(current)
        let template = try await publisher.ownedForChange(try TemplatePublishAPIController.slug(req))
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap {
            ["saved": "Listing saved.", "hidden": "Hidden: only your workspace sees it now; forks keep running.",
             "public": "Public again: listed, searchable and forkable."][$0]
        }
        return try await render(req, current, template, draft: nil, notice: notice)
    }

    static func save(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let publisher = req.templatePublisher(current)
        let template = try await publisher.ownedForChange(try TemplatePublishAPIController.slug(req))
        let fields = try req.content.decode([String: String].self)
        let spec = try await spec(of: template, publisher)
        let draft = PublishFormView.draft(from: fields, spec: spec)
        do {
            try await publisher.update(template, listing: draft)
        } catch let error as APIError {
            return try await render(req, current, template, draft: draft, error: error, status: error.status).carrying(error)
        } catch let blocked as PublishBlocked {
            return try await render(req, current, template, draft: draft,
                                    error: APIError(.unprocessableEntity, "publish_blocked", blocked.message), findings: blocked.findings,
                                    status: .unprocessableEntity)
        }
        return req.redirect(to: SiteRoute.template(.value(template.slug), .edit).path(QueryString([("notice", "saved")])),
                            redirectType: .normal)
    }

    static func visibility(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let publisher = req.templatePublisher(current)
        let template = try await publisher.owned(try TemplatePublishAPIController.slug(req))
        let shared = (try req.content.decode([String: String].self))["shared"] == "true"
        do {
            try await publisher.setShared(template, shared)
        } catch let error as APIError {
            return try await render(req, current, template, draft: nil, error: error, status: error.status).carrying(error)
        }
        return req.redirect(to: SiteRoute.template(.value(template.slug), .edit).path(QueryString([("notice", shared ? "public" : "hidden")])),
                            redirectType: .normal)
    }

    private static func spec(of template: Template, _ publisher: TemplatePublisher) async throws -> ServerSpec {
        try await publisher.latestVersion(of: template).map { try SpecJSON.decode($0.specJSON) }
            ?? ServerSpec(name: "", slug: "", description: "", tools: [])
    }

    private static func render(_ req: Request, _ current: CurrentUser, _ template: Template, draft: TemplateListingText.Draft?,
                               error: APIError? = nil, findings: [SpecFinding] = [], notice: String? = nil,
                               status: HTTPStatus = .ok) async throws -> Response {
        let publisher = req.templatePublisher(current)
        let spec = try await spec(of: template, publisher)
        let slug = Parameter.value(template.slug)
        let csrf = req.csrfToken(req.accounts.cookies)
        let listing = template.listing
        let shown = draft ?? TemplateListingText.Draft(title: listing.title, category: listing.category.rawValue, summary: listing.summary,
                                                  description: listing.descriptionMarkdown, secretHints: listing.secretHints)
        let form = PublishFormView(action: SiteRoute.template(slug, .edit).path, csrf: csrf, draft: shown, spec: spec,
                                   submitLabel: "Save listing", error: error?.reason, errorCode: error?.code, findings: findings)
        let source = try? await publisher.sourceServer(of: template)
        let view = TemplateEditPageView(
            title: template.title, slug: template.slug, templateHref: SiteRoute.template(slug).path,
            status: template.status.label, statusClass: template.status.badgeClass,
            isPublic: template.status == .public, canHide: current.plan.privateTemplates, billingHref: SiteRoute.billing().path, visibilityAction: SiteRoute.template(slug, .visibility).path, csrf: csrf,
            latestVersion: template.latestVersion,
            publishHref: source.map { SiteRoute.server(.value($0.id!), .publish).path }, notice: notice,
            publish: .init(form: form))
        return try await AppShellBuilder.page(req, current, "Marketplace/template-edit", title: "Edit \(template.title)",
                                              active: .servers, view, status: status)
    }
}
