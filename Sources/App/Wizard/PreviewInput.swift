import Core
import Vapor

/// What `/v1/servers/preview` and wizard step 1 accept, checked before any model
/// sees it. The secret check here is the hard guarantee behind the browser's.
struct PreviewInput: Content {
    var prompt: String
    var name: String?
    var slug: String?

    static let maxPromptCharacters = 4000
    static let maxNameCharacters = SpecValidator.maxNameLength

    /// Trimmed input, or the first problem as an API error. `change`: the text describes a change to a live
    /// server (Iterate), where there is no next step and the server's secrets have a tab of their own.
    func validated(change: Bool = false) throws -> PreviewInput {
        let prompt = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = name?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        let slug = slug?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased().nilIfEmpty
        guard !prompt.isEmpty else {
            throw APIError(.unprocessableEntity, "prompt_empty",
                           change ? "Describe the change you want in a sentence or two." : "Describe the server you want in a sentence or two.")
        }
        guard prompt.count <= Self.maxPromptCharacters else {
            throw APIError(.unprocessableEntity, "prompt_too_long",
                           "The description is \(prompt.count) characters; the limit is \(Self.maxPromptCharacters). Describe what the tools do, not every detail.")
        }
        if let control = TextCheck.controlCharacter(in: prompt, multiline: true) {
            throw APIError(.unprocessableEntity, "control_character", "The description \(TextCheck.controlMessage(control)).")
        }
        if let name, name.count > Self.maxNameCharacters {
            throw APIError(.unprocessableEntity, "invalid_name", "The name can be at most \(Self.maxNameCharacters) characters.")
        }
        // Checked here, before any model is asked, with the spec's own rule for a name: the drafted spec would carry
        // it and fail validation as the model's fault, and a failed draft is given back, so every try would be a
        // model call the daily quota never counts.
        if let name, let control = TextCheck.controlCharacter(in: name, multiline: false) {
            throw APIError(.unprocessableEntity, "control_character", "The name \(TextCheck.controlMessage(control)).")
        }
        if let name, let problem = SpecValidator.textProblem(name, limit: Self.maxNameCharacters, what: "a name", multiline: false) {
            throw APIError(.unprocessableEntity, "invalid_name", "The name \(problem).")
        }
        if let slug, !ServerSlug.isValid(slug) {
            throw APIError(.unprocessableEntity, "invalid_slug", ServerSlug.rule)
        }
        for text in [prompt, name ?? ""] {
            if let finding = SecretScanner.findings(in: text).first {
                throw APIError(.unprocessableEntity, "secret_in_prompt",
                               "This looks like \(Self.article(finding.label)) \(finding.label) (\(finding.redacted)). Never paste keys into the description: "
                                   + (change ? "a server's secrets go on its Secrets tab, where they are stored encrypted."
                                             : "you enter secrets in the next step, where they are stored encrypted."))
            }
        }
        return PreviewInput(prompt: prompt, name: name, slug: slug)
    }

    /// "an" before the labels that start with a vowel sound ("an Anthropic API key", "an AWS access key ID").
    static func article(_ label: String) -> String {
        label.first.map { "AEIOUaeiou".contains($0) } == true ? "an" : "a"
    }
}

/// The slug rule in one place for the API, the wizard and its live check.
enum ServerSlug {
    static let rule = "The slug may use lowercase letters, digits and hyphens, must start with a letter or digit, and be at most 64 characters."

    static func isValid(_ slug: String) -> Bool {
        SpecValidator.isValidSlug(slug)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
