import Fluent
import Foundation

/// The moderation queue (templates nobody reviewed yet and templates with open
/// reports, the reports included) and one page of every template, searchable.
struct ModerationPageQuery: Sendable {
    struct Data: Sendable {
        let queue: [Template]
        let reports: [UUID: [TemplateReport]]
        let all: [Template]
        let total: Int
        /// Open reports per template of `all`.
        let openReportCounts: [UUID: Int]
    }

    static let pageSize = 25
    /// The queue shows this many; the rest wait for the first ones to be handled.
    static let queueLimit = 100

    let database: any Database

    func load(search: String, page: Int) async throws -> Data {
        let open = try await TemplateReport.query(on: database).filter(\.$resolvedAt == nil)
            .sort(\.$createdAt, .ascending).with(\.$reporter).limit(1000).all()
        let reported = Set(open.map { $0.$template.id })
        let unreviewed = try await Template.query(on: database).filter(\.$reviewedAt == nil)
            .filter(\.$status ~~ [.public, .hidden]).sort(\.$createdAt, .ascending).with(\.$author).limit(Self.queueLimit).all()
        let reportedTemplates = reported.isEmpty ? [] : try await Template.query(on: database).filter(\.$id ~~ reported)
            .with(\.$author).sort(\.$createdAt, .ascending).all()
        // Reported first (someone is worried), then new ones, oldest first.
        var seen = Set<UUID>()
        let queue = (reportedTemplates + unreviewed).filter { seen.insert($0.id!).inserted }.prefix(Self.queueLimit)

        let all = Template.query(on: database).with(\.$author)
        if !search.isEmpty {
            // Literal and ignoring case on both databases, as the admin page's search (`%` is not a wildcard).
            all.group(.or) { group in
                for column in ["title", "slug", "summary"] {
                    group.filter(AdminPageQuery.contains(Template.schema, column, search))
                }
            }
        }
        let total = try await all.copy().count()
        let start = max(0, page - 1) * Self.pageSize
        let rows = try await all.sort(\.$createdAt, .descending).sort(\.$id).range(start..<(start + Self.pageSize)).all()
        return Data(queue: Array(queue), reports: Dictionary(grouping: open, by: { $0.$template.id }), all: rows, total: total,
                    openReportCounts: Dictionary(grouping: open, by: { $0.$template.id }).mapValues(\.count))
    }
}
