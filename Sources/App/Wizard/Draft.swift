import Core
import Fluent
import Foundation

/// A drafted spec, kept 24 h so a repeated prompt answers from the store and the
/// wizard can come back to it. `editedSpec` holds the person's edits; the
/// original stays for "Reset to draft".
final class Draft: Model, @unchecked Sendable {
    static let schema = "drafts"
    static let lifetime: TimeInterval = 24 * 3600

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    @Parent(key: "user_id") var user: User
    /// SHA-256 of the normalised prompt, name and slug: the cache key with the model.
    @Field(key: "prompt_hash") var promptHash: String
    @Field(key: "prompt") var prompt: String
    @Field(key: "model") var model: String
    /// Who drafted it, as shown in the wizard ("Claude Sonnet", "Offline drafter").
    @Field(key: "drafter") var drafter: String
    @Field(key: "spec_json") var specJSON: String
    @OptionalField(key: "edited_spec_json") var editedSpecJSON: String?
    /// The server an iteration draft revises; nil for a new server's draft.
    @OptionalField(key: "server_id") var serverID: UUID?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}

extension Draft {
    /// The spec the API answers with and builds from: the edits once they pass validation and the scan, else the
    /// draft as made. The wizard keeps what was typed with the draft even when it does not validate yet (a reload
    /// shows it); that work in progress is its page's alone, and never reaches an API client as a draft.
    func acceptedSpec() throws -> ServerSpec {
        if let edited = editedSpecJSON, let spec = try? SpecJSON.decode(edited),
           SpecValidator.problems(in: spec).isEmpty, SpecScanner.findings(in: spec, secretValues: []).isEmpty {
            return spec
        }
        return try SpecJSON.decode(specJSON)
    }
}
