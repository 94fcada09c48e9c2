import Fluent
import Foundation
import Vapor

/// `/admin/templates`: the moderation queue and every template, and the moderators'
/// actions on one. Platform administrators only (`AdminRequired`, like `/admin`).
enum ModerationController {
    struct PageQuery: Content {
        var q: String?
        var page: Int?
    }

    struct ActionForm: Content {
        var reason: String?
    }

    static func page(_ req: Request) async throws -> Response {
        try await render(req)
    }

    static func act(_ req: Request, _ action: AdminTemplateAction) async throws -> Response {
        let admin = try req.requireUser()
        guard let slug = req.parameter(.template, as: String.self) else { throw TemplateAccess.notFound }
        let reason = try? req.content.decode(ActionForm.self).reason
        do {
            _ = try await ModerationService(database: req.db, now: req.application.clock.now(), audit: req.auditLog(),
                                            contexts: req.application.hosting.contexts, admin: admin.user)
                .apply(action, to: slug, reason: reason)
        } catch let error as APIError where error.status != .notFound {
            return try await render(req, error: error.reason, status: error.status).carrying(error)
        }
        return req.redirect(to: SiteRoute.adminTemplates.path, redirectType: .normal)
    }

    private static func render(_ req: Request, error: String? = nil, status: HTTPStatus = .ok) async throws -> Response {
        let admin = try req.requireUser()
        let query = (try? req.query.decode(PageQuery.self)) ?? PageQuery()
        let search = String((query.q ?? "").trimmingCharacters(in: .whitespaces).prefix(100))
        // Bounded, so the offset (page × 25) cannot overflow; a page past the end is an empty page.
        let page = min(max(1, query.page ?? 1), 1_000_000)
        let data = try await ModerationPageQuery(database: req.db).load(search: search, page: page)
        func link(_ number: Int) -> String {
            var items: [(String, String)] = []
            if !search.isEmpty { items.append(("q", search)) }
            if number > 1 { items.append(("page", String(number))) }
            return SiteRoute.adminTemplates.path(QueryString(items))
        }
        let view = ModerationView(
            search: search, searchAction: SiteRoute.adminTemplates.path, csrf: req.csrfToken(req.accounts.cookies), error: error,
            queue: data.queue.map { row($0, reports: data.reports[$0.id!] ?? [], open: data.reports[$0.id!]?.count ?? 0) },
            all: data.all.map { row($0, reports: [], open: data.openReportCounts[$0.id!] ?? 0) },
            total: data.total, pageNumber: page,
            previousHref: page > 1 ? link(page - 1) : nil,
            nextHref: page * ModerationPageQuery.pageSize < data.total ? link(page + 1) : nil,
            reasonLimit: ModerationService.maxReasonLength)
        return try await AppShellBuilder.page(req, admin, "Marketplace/admin-templates", title: "Templates · Admin", active: .admin, view,
                                              status: status)
    }

    private static func row(_ template: Template, reports: [TemplateReport], open: Int) -> ModerationView.TemplateRow {
        let slug = Parameter<String>.value(template.slug)
        func action(_ action: AdminTemplateAction, _ allowed: Bool) -> String? {
            allowed ? SiteRoute.adminTemplate(slug, action).path : nil
        }
        let isDown = template.status == .takedown
        return .init(
            id: template.id!.uuidString.lowercased(), title: template.title, slug: template.slug,
            href: SiteRoute.template(slug).path, author: template.author?.displayName ?? "Deleted account",
            status: template.status.rawValue, statusClass: template.status == .public ? "" : "badge-warn",
            isVerified: template.verified, forks: template.forks, created: DayLabel.long(template.createdAt),
            reviewed: template.reviewedAt.map(DayLabel.long), takedownReason: template.takedownReason, openReports: open,
            reports: reports.map {
                .init(reporter: $0.reporter.displayName, reason: $0.reason.label, text: $0.text, date: DayLabel.long($0.createdAt))
            },
            actions: .init(
                verify: action(.verify, !template.verified && !isDown), unverify: action(.unverify, template.verified),
                hide: action(.hide, template.status == .public), takedown: action(.takedown, !isDown),
                dismissReports: action(.dismissReports, !isDown), restore: action(.restore, isDown)))
    }
}
