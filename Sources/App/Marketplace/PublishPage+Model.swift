import Core

/// The listing form (title, category, descriptions, hints), as the publish page, the
/// wizard's "Share as template" box and the edit page show it. Read by
/// `Views/Marketplace/listing-fields.leaf` at `page.publish.form`.
struct PublishFormView: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let isSelected: Bool
    }

    struct HintField: Encodable {
        let key: String
        /// What the spec says the secret is, for context.
        let secretDescription: String
        let description: String
        let howToGetUrl: String
    }

    struct Finding: Encodable {
        let path: String
        let message: String
    }

    let action: String
    let csrf: String
    /// The wizard's done page: the "share" checkbox, pre-ticked.
    let fromWizard: Bool
    let title: String
    let summary: String
    let description: String
    let categories: [Option]
    let hints: [HintField]
    let findings: [Finding]
    let error: String?
    /// The field `error` is about (`title`, `category`, `summary`, `description`, `hints`), for `aria-invalid`.
    let errorField: String?
    let submitLabel: String
    let maxTitle = TemplateListingText.maxTitle
    let maxSummary = TemplateListingText.maxSummary
    let maxDescription = TemplateListingText.maxDescription

    init(action: String, csrf: String, fromWizard: Bool = false, draft: TemplateListingText.Draft, spec: ServerSpec,
         submitLabel: String, error: String? = nil, errorCode: String? = nil, findings: [SpecFinding] = []) {
        self.action = action
        self.csrf = csrf
        self.fromWizard = fromWizard
        title = draft.title
        summary = draft.summary
        description = draft.description
        categories = TemplateCategory.allCases.map { Option(value: $0.rawValue, label: $0.label, isSelected: $0.rawValue == draft.category) }
        hints = spec.requiredSecrets.map { secret in
            let hint = draft.secretHints[secret.key]
            return HintField(key: secret.key, secretDescription: secret.description, description: hint?.description ?? "",
                             howToGetUrl: hint?.howToGetURL ?? "")
        }
        self.findings = findings.map { Finding(path: $0.path, message: $0.message) }
        self.error = error
        errorField = errorCode.flatMap(Self.field)
        self.submitLabel = submitLabel
    }

    static func field(_ code: String) -> String? {
        switch code {
        case "title_required", "title_too_long": "title"
        case "unknown_category": "category"
        case "summary_required", "summary_too_long": "summary"
        case "description_too_long": "description"
        case "unknown_secret_hint", "hint_too_long", "invalid_hint_url": "hints"
        default: nil
        }
    }

    /// The listing a form posted: `title`, `category`, `summary`, `description`,
    /// and `hint_KEY_description` / `hint_KEY_url` for each of the spec's secrets.
    static func draft(from fields: [String: String], spec: ServerSpec) -> TemplateListingText.Draft {
        var hints: [String: SecretHint] = [:]
        for secret in spec.requiredSecrets {
            hints[secret.key] = SecretHint(description: fields["hint_\(secret.key)_description"] ?? "",
                                           howToGetURL: fields["hint_\(secret.key)_url"])
        }
        return TemplateListingText.Draft(title: fields["title"] ?? "", category: fields["category"] ?? "",
                                     summary: fields["summary"] ?? "", description: fields["description"] ?? "",
                                     secretHints: hints)
    }
}

/// The marketplace part of a server's page and its Publish page, at `page.publish`.
struct PublishSectionView: Encodable {
    struct Published: Encodable {
        let title: String
        let href: String
        let editHref: String
        let status: String
        let statusClass: String
        let isTakenDown: Bool
        let latestVersion: Int
        /// The server's live version, when it differs from the template's latest.
        let nextVersionSource: Int?
        let nextVersion: Int
        let versionAction: String
    }

    /// The Publish page.
    let href: String
    /// A version is live: something to publish.
    let isReady: Bool
    let template: Published?
    /// The wizard's done page offers the "Share as template" box.
    let showsWizardBox: Bool
    let form: PublishFormView?
}

/// `/servers/{id}/publish`.
struct PublishPageView: Encodable {
    let csrf: String
    let serverName: String
    let serverHref: String
    /// Where the author's public display name is chosen.
    let profileHref: String
    let notice: String?
    /// What went wrong outside the form (publishing a new version).
    let error: String?
    let findings: [PublishFormView.Finding]
    let publish: PublishSectionView
}

/// `/templates/{slug}/edit`: the listing form and the public ↔ hidden switch.
struct TemplateEditPageView: Encodable {
    struct Form: Encodable {
        let form: PublishFormView
    }

    let title: String
    let slug: String
    let templateHref: String
    let status: String
    let statusClass: String
    let isPublic: Bool
    /// Whether the plan has private templates; without them a public template cannot be hidden.
    let canHide: Bool
    let billingHref: String
    let visibilityAction: String
    let csrf: String
    let latestVersion: Int
    /// The source server's Publish page, where new versions are published; nil once it is deleted.
    let publishHref: String?
    let notice: String?
    let publish: Form
}
