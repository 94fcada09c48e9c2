import Foundation
import Vapor

/// The report form on every template page: signed-out visitors sign in first and come
/// back; the form posts, and redirects to itself with a thank-you.
enum ReportPageController {
    struct Form: Content {
        var reason: String?
        var text: String?
    }

    static func form(_ req: Request) async throws -> Response {
        let slug = try slug(req)
        guard let current = req.currentUser else {
            return req.redirectToSignIn(returningTo: .template(.value(slug), .report))
        }
        return try await render(req, current, slug: slug)
    }

    static func file(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let slug = try slug(req)
        let form = (try? req.content.decode(Form.self)) ?? Form()
        do {
            _ = try await req.templateReports(current).file(slug, reason: form.reason, text: form.text)
        } catch let error as APIError where [.unprocessableEntity, .tooManyRequests, .conflict].contains(error.status) {
            return try await render(req, current, slug: slug, form: form, error: error.reason, status: error.status).carrying(error)
        }
        return req.redirect(to: SiteRoute.template(.value(slug), .report).path(QueryString([("sent", "1")])), redirectType: .normal)
    }

    private static func render(_ req: Request, _ current: CurrentUser, slug: String, form: Form = Form(), error: String? = nil,
                               status: HTTPStatus = .ok) async throws -> Response {
        let service = req.templateReports(current)
        let template = try await service.reportable(slug)
        let earlier = try await service.existing(template)
        let route = Parameter<String>.value(template.slug)
        let view = ReportView(
            templateTitle: template.title, templateHref: SiteRoute.template(route).path,
            action: SiteRoute.template(route, .report).path, csrf: req.csrfToken(req.accounts.cookies),
            reasons: TemplateReport.Reason.allCases.map { .init(value: $0.rawValue, label: $0.label, isSelected: $0.rawValue == form.reason) },
            text: form.text ?? "", maxText: TemplateReportService.maxTextLength, error: error,
            reportedOn: earlier.map { DayLabel.long($0.createdAt) },
            isThanks: earlier != nil && (try? req.query.get(String.self, at: "sent")) == "1")
        return try await AppShellBuilder.page(req, current, "Marketplace/report", title: "Report “\(template.title)”", active: .templates, view,
                                              status: status)
    }

    private static func slug(_ req: Request) throws -> String {
        guard let slug = req.parameter(.template, as: String.self) else { throw TemplateAccess.notFound }
        return slug
    }
}
