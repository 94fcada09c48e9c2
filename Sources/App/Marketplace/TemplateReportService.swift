import Core
import Fluent
import Foundation

/// Filing a report against a template: signed in, one per person and template (the
/// unique index decides a race), only public templates (hidden and draft ones are 404
/// to everyone but their owner, a takedown is 410), never one's own workspace's.
struct TemplateReportService: Sendable {
    let database: any Database
    let now: Date
    let audit: AuditLog
    let rateLimit: RateLimitRule
    let current: CurrentUser

    static let maxTextLength = 2000

    /// The template behind `slug`, if the current person may report it.
    func reportable(_ slug: String) async throws -> Template {
        let access = TemplateAccess(database: database, viewerOrganization: current.organization.id)
        let template = try await access.visible(slug)
        guard !access.isOwner(template) else {
            throw APIError(.forbidden, "own_template", "This template is your workspace's own: edit or unshare it instead of reporting it.")
        }
        guard template.status == .public else { throw TemplateAccess.notFound }
        return template
    }

    /// The current person's earlier report against `template`, if any.
    func existing(_ template: Template) async throws -> TemplateReport? {
        try await TemplateReport.query(on: database).filter(\.$template.$id == template.id!)
            .filter(\.$reporter.$id == current.user.id!).first()
    }

    func file(_ slug: String, reason rawReason: String?, text rawText: String?) async throws -> (Template, TemplateReport) {
        let template = try await reportable(slug)
        guard let reason = rawReason.flatMap(TemplateReport.Reason.init(rawValue:)) else {
            throw APIError(.unprocessableEntity, "invalid_reason",
                           "Choose a reason: " + TemplateReport.Reason.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        let text = (rawText ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else {
            throw APIError(.unprocessableEntity, "report_text_required", "Say what is wrong, so a moderator knows what to look for.")
        }
        if let control = TextCheck.controlCharacter(in: text, multiline: true) {
            throw APIError(.unprocessableEntity, "control_character", "The report \(TextCheck.controlMessage(control)).")
        }
        guard TextCheck.fits(text, limit: Self.maxTextLength) else {
            throw APIError(.unprocessableEntity, "report_text_too_long", "Keep the report under \(Self.maxTextLength) characters.")
        }
        // A repeat does not spend the person's hourly allowance; the index below still decides a race.
        if try await existing(template) != nil { throw Self.alreadyReported }
        try await RateLimiter(database: database, now: now).hit("template-report:" + current.user.id!.uuidString, rateLimit)
        let report = TemplateReport()
        report.id = UUID()
        report.$template.id = template.id!
        report.$reporter.id = current.user.id!
        report.reason = reason
        report.text = text
        report.createdAt = now
        do {
            try await database.writeTransaction { database in
                try await report.create(on: database)
                // The text stays out of the audit metadata: it is the reporter's words, maybe personal.
                try await audit.on(database).record(
                    "template.report", organization: current.organization.id, actor: current.user.id, resourceType: "template",
                    resourceID: template.id?.uuidString, metadata: ["slug": template.slug, "reason": reason.rawValue])
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw Self.alreadyReported
        }
        return (template, report)
    }

    static let alreadyReported = APIError(.conflict, "already_reported", "You already reported this template; the moderators will look at it.")
}
