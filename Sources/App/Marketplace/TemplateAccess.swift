import Fluent
import Foundation

/// Who may see a template: one rule for its page, the API, forking and editing.
/// - public: everyone;
/// - hidden and draft: members of the owning workspace only (others get 404, as if it
///   did not exist, so a hidden slug leaks nothing);
/// - takedown: 410 for everyone, the owner included.
struct TemplateAccess: Sendable {
    let database: any Database
    /// The viewer's current workspace, or nil when signed out.
    let viewerOrganization: UUID?

    func isOwner(_ template: Template) -> Bool {
        viewerOrganization != nil && template.$organization.id == viewerOrganization
    }

    /// The template behind `slug` as the viewer may see it.
    func visible(_ slug: String) async throws -> Template {
        guard let template = try await Template.query(on: database).filter(\.$slug == slug).first() else {
            throw Self.notFound
        }
        switch template.status {
        case .public: return template
        case .takedown: throw Self.takenDown(template)
        case .hidden, .draft:
            guard isOwner(template) else { throw Self.notFound }
            return template
        }
    }

    /// The template behind `slug` for one of its owner's actions (edit, visibility,
    /// new version): 404 for everyone else, 410 after a takedown.
    func owned(_ slug: String) async throws -> Template {
        let template = try await visible(slug)
        guard isOwner(template) else { throw Self.notFound }
        return template
    }

    static let notFound = APIError(.notFound, "template_not_found", "There is no such template.")

    static func takenDown(_ template: Template) -> APIError {
        APIError(.gone, "template_taken_down",
                 "This template was taken down by the moderators" + (template.takedownReason.map { ": \($0)" } ?? "."))
    }
}

/// Slugs that would shadow a fixed path below `/templates` or `/v1/templates`.
enum ReservedTemplateSlugs {
    static let all: Set<String> = ["mine", "new", "search", "trending", "top", "newest", "feed", "admin"]
}
