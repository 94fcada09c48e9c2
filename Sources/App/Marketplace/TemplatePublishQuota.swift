import Core
import Fluent
import Foundation
import SQLKit

/// Template publishes against the plan's monthly allowance: a new template's first version and every later
/// version count, as each puts code in front of others.
struct TemplatePublishQuota: Sendable {
    let database: any Database
    let now: Date

    /// Versions the workspace's templates gained since the period started.
    func used(organization: UUID, in period: QuotaPeriod) async throws -> Int {
        guard let sql = database as? any SQLDatabase else { return 0 }
        let row = try await sql.raw("""
            SELECT COUNT(*) AS published FROM template_versions v JOIN templates t ON t.id = v.template_id
            WHERE t.organization_id = \(bind: organization) AND v.created_at >= \(bind: period.start) AND v.created_at < \(bind: period.end)
            """).first()
        return try row?.decode(column: "published", as: Int.self) ?? 0
    }

    /// 429 `quota_exceeded` once the period's publishes are used.
    func check(_ organization: Organization, plan: Plan) async throws {
        let period = QuotaPeriod(renewedAt: organization.quotaPeriodStart, now: now)
        let used = try await used(organization: try organization.requireID(), in: period)
        do { try PeriodQuota(.templatePublishes, plan: plan, used: used, period: period, now: now).check() } catch { throw APIError(error) }
    }
}
