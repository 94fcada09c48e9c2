import Core
import Fluent
import Foundation

/// A published server spec others can fork. The listing fields are editable by its
/// workspace; what it runs lives in immutable `TemplateVersion`s. Never deleted: a
/// takedown keeps the record so forks can be told why they stopped.
final class Template: Model, @unchecked Sendable {
    static let schema = "templates"

    enum Status: String, Codable, Sendable, CaseIterable {
        /// Listed, searchable and forkable.
        case `public`
        /// Unlisted by its owner: only the owner's workspace sees it; forks keep running.
        case hidden
        /// Saved but never shared.
        case draft
        /// Removed by a moderator: 410 for everyone, and every fork's endpoint stops.
        case takedown
    }

    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Parent(key: "organization_id") var organization: Organization
    @OptionalParent(key: "author_id") var author: User?
    @OptionalField(key: "source_server_id") var sourceServerID: UUID?
    @Field(key: "title") var title: String
    @Enum(key: "category") var category: TemplateCategory
    /// The short description on cards (one or two sentences).
    @Field(key: "summary") var summary: String
    /// The long description, Markdown, rendered in safe mode (no raw HTML, http(s) links only).
    @Field(key: "description_markdown") var descriptionMarkdown: String
    /// `[key: SecretHint]` as JSON: how a forker gets each secret. Never a value.
    @Field(key: "secret_hints_json") var secretHintsJSON: String
    @Enum(key: "status") var status: Status
    @Field(key: "verified") var verified: Bool
    @OptionalField(key: "takedown_reason") var takedownReason: String?
    @OptionalField(key: "taken_down_at") var takenDownAt: Date?
    /// When a moderator last looked at it; nil puts it in the moderation queue.
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?
    /// Incremented atomically in SQL on every fork.
    @Field(key: "forks") var forks: Int
    @Field(key: "latest_version") var latestVersion: Int
    /// The latest version's tool names, space-separated, for full-text search.
    @Field(key: "tool_names") var toolNames: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// How a forker gets one secret; shown next to the secret's field. No values, ever.
struct SecretHint: Codable, Equatable, Sendable {
    var description: String
    /// An http(s) page that explains how to create the key, or nil.
    var howToGetURL: String?

    /// What a forker is shown for `secret`: the publisher's hint where there is one, its link included (a
    /// publisher who removed the link removed it), and the spec's own words and link where there is none.
    static func shown(_ hint: SecretHint?, for secret: RequiredSecret) -> (description: String, url: String?) {
        guard let hint else { return (secret.description, secret.howToGetUrl) }
        return (hint.description.isEmpty ? secret.description : hint.description, hint.howToGetURL)
    }
}

extension Template {
    /// A review covers what the moderator saw: a new version or a changed listing loses the verified
    /// badge and goes back to the moderators' queue until someone looks again.
    func needsReviewAgain() {
        verified = false
        reviewedAt = nil
    }
}
