import Core
import Foundation

/// What a publisher writes about a template, checked: the title, category, short and
/// long descriptions, and one hint per required secret. Never a secret value.
struct TemplateListingText: Sendable, Equatable {
    var title: String
    var category: TemplateCategory
    var summary: String
    var descriptionMarkdown: String
    var secretHints: [String: SecretHint]

    static let maxTitle = 80
    static let maxSummary = 200
    static let maxDescription = 20_000
    static let maxHintDescription = 500
    static let maxURL = 500

    /// A short description made from a server's description: the whole of it when it fits, else cut at the last
    /// word that fits, so a suggestion never ends mid-word and never fails the length check it was made for.
    static func suggestedSummary(_ description: String) -> String {
        let summary = description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard summary.count > maxSummary else { return summary }
        let fits = summary.prefix(maxSummary - 1)
        let words = fits.lastIndex(where: \.isWhitespace).map { fits[..<$0] } ?? fits
        return words.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)) + "…"
    }

    /// Raw input from the API or a form, before any check.
    struct Draft: Sendable {
        var title: String
        var category: String
        var summary: String
        var description: String
        var secretHints: [String: SecretHint]
    }

    /// `draft` trimmed and checked against the spec it describes: a 422 naming the
    /// first problem (`title_required`, `unknown_category`, `unknown_secret_hint`, …).
    static func validated(_ draft: Draft, spec: ServerSpec) throws -> TemplateListingText {
        let title = draft.title.trimmingCharacters(in: .whitespacesAndNewlines)
        let summary = draft.summary.trimmingCharacters(in: .whitespacesAndNewlines)
        let description = draft.description.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw problem("title_required", "Give the template a title.") }
        guard TextCheck.fits(title, limit: maxTitle) else { throw problem("title_too_long", "The title can be at most \(maxTitle) characters.") }
        guard let category = TemplateCategory(rawValue: draft.category.trimmingCharacters(in: .whitespaces)) else {
            throw problem("unknown_category", "Choose one of the categories: "
                + TemplateCategory.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        guard !summary.isEmpty else { throw problem("summary_required", "Write a short description: a sentence on what the template does.") }
        guard TextCheck.fits(summary, limit: maxSummary) else {
            throw problem("summary_too_long", "The short description can be at most \(maxSummary) characters; the long description has room for more.")
        }
        guard TextCheck.fits(description, limit: maxDescription) else {
            throw problem("description_too_long", "The long description can be at most \(maxDescription) characters.")
        }
        // What people read before they fork must be what it looks like (SpecValidator.bidiControl).
        // The title and hints are one line; the descriptions may have line breaks. NUL cannot be stored at all.
        for (field, text, multiline) in [("title", title, false), ("short description", summary, true), ("long description", description, true)]
            + draft.secretHints.sorted(by: { $0.key < $1.key }).map({ ("hint for \($0.key)", $0.value.description, false) }) {
            if let reason = SpecValidator.bidiControl(in: text) { throw problem("text_direction_character", "The \(field) \(reason).") }
            if let control = TextCheck.controlCharacter(in: text, multiline: multiline) {
                throw problem("control_character", "The \(field) \(TextCheck.controlMessage(control)).")
            }
        }
        let declared = Set(spec.requiredSecrets.map(\.key))
        var hints: [String: SecretHint] = [:]
        for (key, hint) in draft.secretHints.sorted(by: { $0.key < $1.key }) {
            guard declared.contains(key) else {
                throw problem("unknown_secret_hint", "\(key) is not one of the server's required secrets, so it cannot have a hint.")
            }
            let text = hint.description.trimmingCharacters(in: .whitespacesAndNewlines)
            let url = hint.howToGetURL?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
            guard TextCheck.fits(text, limit: maxHintDescription) else {
                throw problem("hint_too_long", "The hint for \(key) can be at most \(maxHintDescription) characters.")
            }
            if let url {
                guard url.count <= maxURL, TemplateMarkdown.isWebURL(url) else {
                    throw problem("invalid_hint_url", "The how-to-get link for \(key) must be an http:// or https:// address.")
                }
            }
            hints[key] = SecretHint(description: text, howToGetURL: url)
        }
        return TemplateListingText(title: title, category: category, summary: summary, descriptionMarkdown: description,
                               secretHints: hints)
    }

    /// The hints a spec suggests by itself: each secret's description and its
    /// how-to-get link when that is a web address.
    static func suggestedHints(for spec: ServerSpec) -> [String: SecretHint] {
        var hints: [String: SecretHint] = [:]
        for secret in spec.requiredSecrets {
            let url = secret.howToGetUrl.flatMap { TemplateMarkdown.isWebURL($0) ? $0 : nil }
            hints[secret.key] = SecretHint(description: String(secret.description.prefix(maxHintDescription)), howToGetURL: url)
        }
        return hints
    }

    /// `hints` for the secrets `spec` declares: kept where the key stays, suggested
    /// where it is new. A new version may add or drop secrets.
    static func reconciled(_ hints: [String: SecretHint], with spec: ServerSpec) -> [String: SecretHint] {
        var result = suggestedHints(for: spec)
        for key in result.keys { if let kept = hints[key] { result[key] = kept } }
        return result
    }

    /// Every text a reader of the listing sees, with where it is, for the scanners.
    var texts: [(path: String, text: String)] {
        var texts = [("title", title), ("summary", summary), ("description", descriptionMarkdown)]
        for (key, hint) in secretHints.sorted(by: { $0.key < $1.key }) {
            texts.append(("secretHints.\(key).description", hint.description))
            if let url = hint.howToGetURL { texts.append(("secretHints.\(key).howToGetUrl", url)) }
        }
        return texts
    }

    private static func problem(_ code: String, _ message: String) -> APIError {
        APIError(.unprocessableEntity, code, message)
    }
}

extension Template {
    var secretHints: [String: SecretHint] {
        (try? JSONDecoder().decode([String: SecretHint].self, from: Data(secretHintsJSON.utf8))) ?? [:]
    }

    static func encodeHints(_ hints: [String: SecretHint]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(hints)) ?? Data("{}".utf8), as: UTF8.self)
    }

    var listing: TemplateListingText {
        TemplateListingText(title: title, category: category, summary: summary, descriptionMarkdown: descriptionMarkdown,
                        secretHints: secretHints)
    }
}
