import Foundation
import Vapor

/// `POST /v1/templates/{slug}/reports {reason, text}`: 201 with the report.
enum TemplateReportAPIController {
    struct Input: Content {
        var reason: String?
        var text: String?
    }

    struct Output: Encodable {
        let id: UUID
        let template: String
        let reason: String
        let createdAt: Date
    }

    static func create(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        guard let slug = req.parameter(.template, as: String.self) else { throw TemplateAccess.notFound }
        // No body is a report without a reason (422 below); a body that does not parse is a 400 that says so.
        let input = (req.body.data?.readableBytes ?? 0) == 0 ? Input() : try req.content.decode(Input.self)
        let (template, report) = try await req.templateReports(current).file(slug, reason: input.reason, text: input.text)
        return try req.json(Output(id: report.id!, template: template.slug, reason: report.reason.rawValue, createdAt: report.createdAt),
                            status: .created)
    }
}

extension Request {
    func templateReports(_ current: CurrentUser) -> TemplateReportService {
        TemplateReportService(database: db, now: application.clock.now(), audit: auditLog(),
                              rateLimit: application.config.rateLimits.templateReportsPerUser, current: current)
    }
}
