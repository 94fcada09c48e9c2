import Fluent
import Foundation

/// An immutable copy of a server version's spec and code as published. Forks build
/// from it; a newer one is what "Update available" offers.
final class TemplateVersion: Model, @unchecked Sendable {
    static let schema = "template_versions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "template_id") var template: Template
    @Field(key: "number") var number: Int
    /// The `ServerSpec` JSON: tools, schemas, code, secret keys and descriptions; never a value.
    @Field(key: "spec_json") var specJSON: String
    /// The source server's version it was copied from.
    @OptionalField(key: "source_version_number") var sourceVersionNumber: Int?
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
