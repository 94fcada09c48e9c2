import Fluent
import Foundation

/// One person's report against a template: one per person and template.
final class TemplateReport: Model, @unchecked Sendable {
    static let schema = "template_reports"

    enum Reason: String, Codable, Sendable, CaseIterable {
        case malicious, spam, secrets, copyright, broken, other

        var label: String {
            switch self {
            case .malicious: "Malicious or harmful code"
            case .spam: "Spam or misleading"
            case .secrets: "Exposes credentials or personal data"
            case .copyright: "Copyright or licence problem"
            case .broken: "Does not work"
            case .other: "Something else"
            }
        }
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "template_id") var template: Template
    @Parent(key: "reporter_id") var reporter: User
    @Enum(key: "reason") var reason: Reason
    @Field(key: "text") var text: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "resolved_at") var resolvedAt: Date?

    init() {}
}
