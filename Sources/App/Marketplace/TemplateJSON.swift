import Core
import Foundation

/// A template as the API shows it: the listing, its counters and where it lives.
/// Never a secret value; hints only. One shape for every answer that lists or shows one.
struct TemplateJSON: Encodable, Sendable {
    struct Hint: Encodable, Sendable {
        let description: String
        let howToGetUrl: String?
    }

    let id: UUID
    let slug: String
    /// The template's public page.
    let url: String
    let title: String
    let category: String
    let categoryLabel: String
    let summary: String
    let description: String
    let secretHints: [String: Hint]
    let status: String
    let verified: Bool
    let forks: Int
    /// The latest version's number.
    let version: Int
    let toolNames: [String]
    let authorId: UUID?
    let createdAt: Date
    let updatedAt: Date

    init(_ template: Template, baseURL: String) {
        id = template.id!
        slug = template.slug
        url = baseURL + SiteRoute.template(.value(template.slug)).path
        title = template.title
        category = template.category.rawValue
        categoryLabel = template.category.label
        summary = template.summary
        description = template.descriptionMarkdown
        secretHints = template.secretHints.mapValues { Hint(description: $0.description, howToGetUrl: $0.howToGetURL) }
        status = template.status.rawValue
        verified = template.verified
        forks = template.forks
        version = template.latestVersion
        toolNames = template.toolNames.split(separator: " ").map(String.init)
        authorId = template.$author.id
        createdAt = template.createdAt
        updatedAt = template.updatedAt
    }
}
