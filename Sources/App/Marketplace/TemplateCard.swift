import Core
import Foundation

/// One template as listings show it: on `/templates` cards and in `GET /v1/templates`.
/// The author is a display name, never an email address.
struct TemplateCard: Codable, Equatable, Sendable {
    let slug: String
    let title: String
    let summary: String
    let category: TemplateCategory
    let status: Template.Status
    let verified: Bool
    let forks: Int
    let activeDeployments: Int
    let author: String
    let latestVersion: Int
    let createdAt: Date
    let updatedAt: Date
}

/// One page of a listing; `nextCursor` is nil on the last page.
struct TemplateListPage: Codable, Sendable {
    let templates: [TemplateCard]
    let nextCursor: String?
}
