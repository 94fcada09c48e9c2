import Core
import Fluent
import Foundation
import SQLKit

/// Daily usage per organization (drafts, builds), counted in UTC days so quota
/// resets match the pricing page ("daily quotas reset at midnight UTC").
struct UsageService: Sendable {
    let database: any Database
    let now: Date

    static func day(_ date: Date) -> String {
        DayLabel.iso(date)
    }

    /// Adds one use of `kind` today; one statement, safe under concurrent requests.
    func record(_ kind: UsageCounter.Kind, organization: UUID) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            INSERT INTO usage_counters (id, organization_id, day, kind, count) VALUES (\(bind: UUID()), \(bind: organization), \(bind: Self.day(now)), \(bind: kind.rawValue), 1)
            ON CONFLICT (organization_id, day, kind) DO UPDATE SET count = usage_counters.count + 1
            """).run()
    }

    /// Takes back one use of `kind` on this day (a reserved draft that produced nothing); never below zero.
    func unrecord(_ kind: UsageCounter.Kind, organization: UUID) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.raw("""
            UPDATE usage_counters SET count = count - 1
            WHERE organization_id = \(bind: organization) AND day = \(bind: Self.day(now)) AND kind = \(bind: kind.rawValue) AND count > 0
            """).run()
    }

    func today(_ kind: UsageCounter.Kind, organization: UUID) async throws -> Int {
        try await UsageCounter.query(on: database).filter(\.$organization.$id == organization)
            .filter(\.$day == Self.day(now)).filter(\.$kind == kind.rawValue).first()?.count ?? 0
    }

    /// Counts per day of the current UTC month, day 1 first.
    func thisMonth(organization: UUID) async throws -> [(day: Int, drafts: Int, builds: Int)] {
        let calendar = DayLabel.utcCalendar
        let parts = calendar.dateComponents([.year, .month], from: now)
        let days = calendar.range(of: .day, in: .month, for: now)?.count ?? 30
        let prefix = String(format: "%04d-%02d-", parts.year!, parts.month!)
        let rows = try await UsageCounter.query(on: database).filter(\.$organization.$id == organization)
            .filter(\.$day >= prefix + "01").filter(\.$day <= prefix + "31").all()
        var drafts = [Int](repeating: 0, count: days), builds = [Int](repeating: 0, count: days)
        for row in rows {
            guard let day = Int(row.day.suffix(2)), (1...days).contains(day) else { continue }
            if row.kind == UsageCounter.Kind.draft.rawValue { drafts[day - 1] += row.count } else { builds[day - 1] += row.count }
        }
        return (1...days).map { ($0, drafts[$0 - 1], builds[$0 - 1]) }
    }
}
