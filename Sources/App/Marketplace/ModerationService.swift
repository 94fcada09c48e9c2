import Fluent
import Foundation

/// What a platform administrator does to a template. Every action marks the template
/// reviewed (it leaves the queue), closes its open reports and is audited in the
/// owner's workspace, so the owner sees who did what and why.
struct ModerationService: Sendable {
    let database: any Database
    let now: Date
    let audit: AuditLog
    let contexts: ServerContextCache
    let admin: User

    /// The longest takedown reason: it is shown on the template's 410, the forks' banner and their endpoints.
    static let maxReasonLength = 500

    func apply(_ action: AdminTemplateAction, to slug: String, reason: String?) async throws -> Template {
        guard let template = try await Template.query(on: database).filter(\.$slug == slug).first() else {
            throw TemplateAccess.notFound
        }
        var metadata = ["slug": template.slug, "title": template.title]
        switch action {
        case .verify:
            // The page offers no Verify on a taken-down template; a post straight to the action must not
            // leave one that would show "Verified" once restored and shared again.
            guard template.status != .takedown else { throw Self.alreadyTakenDown }
            template.verified = true
        case .unverify: template.verified = false
        case .hide:
            guard template.status != .takedown else { throw Self.alreadyTakenDown }
            template.status = .hidden
        case .takedown:
            let reason = (reason ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else {
                throw APIError(.unprocessableEntity, "takedown_reason_required", "Give a reason: the owner and everyone who forked the template will read it.")
            }
            guard reason.count <= Self.maxReasonLength else {
                throw APIError(.unprocessableEntity, "takedown_reason_too_long", "Keep the reason under \(Self.maxReasonLength) characters.")
            }
            template.status = .takedown
            // A restored template goes back to the queue unverified: the review was of what was taken down.
            template.verified = false
            template.takedownReason = reason
            template.takenDownAt = now
            metadata["reason"] = reason
        case .restore:
            guard template.status == .takedown else {
                throw APIError(.conflict, "not_taken_down", "Only a taken-down template can be restored.")
            }
            // Back to the owner, unlisted: sharing it again is their decision.
            template.status = .hidden
            template.takedownReason = nil
            template.takenDownAt = nil
        case .dismissReports: break
        }
        template.reviewedAt = now
        template.updatedAt = now
        let forks = try await TemplateTakedown.forks(of: template.id!, on: database)
        if action == .takedown || action == .restore { metadata["forks"] = String(forks.count) }
        let open = try await TemplateReport.query(on: database).filter(\.$template.$id == template.id!)
            .filter(\.$resolvedAt == nil).count()
        if open > 0 { metadata["reports_closed"] = String(open) }
        let recorded = metadata
        try await database.writeTransaction { database in
            try await template.save(on: database)
            try await TemplateReport.query(on: database).filter(\.$template.$id == template.id!)
                .filter(\.$resolvedAt == nil).set(\.$resolvedAt, to: now).update()
            try await audit.on(database).recordAdministration(
                "admin.template.\(action.auditName)", organization: template.$organization.id, actor: admin.id,
                resourceType: "template", resourceID: template.id?.uuidString, metadata: recorded)
        }
        // This instance stops (or restarts) every fork now; the others see the template's
        // status in each fork's cache stamp at their next check, within a second.
        if action == .takedown || action == .restore {
            for fork in forks { contexts.invalidate(fork) }
        }
        return template
    }

    static let alreadyTakenDown = APIError(.conflict, "template_taken_down", "This template is taken down; restore it first.")
}

extension AdminTemplateAction {
    /// The audit action's last part: `admin.template.dismiss_reports`, in the log's snake_case.
    var auditName: String { rawValue.replacingOccurrences(of: "-", with: "_") }
}
