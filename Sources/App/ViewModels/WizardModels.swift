/// View models of the create-server wizard and the server list.

struct WizardPromptView: Encodable {
    struct Example: Encodable {
        let text: String
        /// Step 1 with the example filled in; works without JS.
        let href: String
    }

    let csrf: String
    let action: String
    let streamAction: String
    let patternsHref: String
    let slugCheckHref: String
    let prompt: String
    let name: String
    let slug: String
    let error: String?
    /// "Claude Sonnet" or "Offline drafter".
    let drafterLabel: String
    let isOffline: Bool
    /// What the offline drafter knows, for an honest note.
    let offlineTopics: String
    let draftsLeft: Int
    let draftsLimit: Int
    let planName: String
    let quotaReached: Bool
    let resetNote: String
    let examples: [Example]
    let maxPromptCharacters: Int
    let script: String
}

struct WizardReviewView: Encodable {
    struct ToolCard: Encodable {
        let index: Int
        let number: Int
        let name: String
        let description: String
        let schema: String
        let implementation: String
        let nameError: String?
        let descriptionError: String?
        let schemaError: String?
        let implementationError: String?
    }

    struct SecretRow: Encodable {
        let index: Int
        let key: String
        let description: String
        let howToGetUrl: String
        /// Only an http(s) link is ever rendered as a link.
        let linkHref: String?
        let value: String
        let error: String?
    }

    let csrf: String
    let action: String
    let backHref: String
    let drafterLabel: String
    let isOffline: Bool
    let isEdited: Bool
    let name: String
    let slug: String
    let description: String
    let nameError: String?
    let slugError: String?
    let descriptionError: String?
    let domains: String
    let domainsError: String?
    let tools: [ToolCard]
    let secrets: [SecretRow]
    let secretCount: Int
    let error: String?
    let expiresNote: String
    let supportedKeywords: String
    let slugCheckHref: String
    let script: String
}

struct ServerListView: Encodable {
    struct Row: Encodable {
        let href: String
        let name: String
        let slug: String
        let description: String
        let status: String
        let statusClass: String
        let created: String
        /// SVG polyline points of calls per day over the last 14 days.
        let sparkline: String
        let callsSummary: String
    }

    let servers: [Row]
    let newHref: String
    let notice: String?
}
