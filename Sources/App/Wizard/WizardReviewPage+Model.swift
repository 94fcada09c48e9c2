struct WizardReviewView: Encodable {
    struct ToolCard: Encodable {
        let index: Int
        let number: Int
        let name: String
        let title: String
        let description: String
        let schema: String
        let hints: [HintChoice]
        let implementation: String
        let nameError: String?
        let titleError: String?
        let hintsError: String?
        let descriptionError: String?
        let schemaError: String?
        let implementationError: String?
    }

    /// One MCP hint of a tool as a labelled select: not set, yes or no.
    struct HintChoice: Encodable {
        struct Option: Encodable {
            let value: String
            let label: String
            let isSelected: Bool
        }

        let id: String
        let name: String
        let label: String
        let options: [Option]
    }

    struct SecretRow: Encodable {
        let index: Int
        /// Counted from 1, as people count: the row's name for screen readers.
        let number: Int
        let key: String
        let description: String
        let howToGetUrl: String
        /// Only an http(s) link is ever rendered as a link.
        let linkHref: String?
        /// A value typed before this page was rendered, sealed (`FormSecretCarry`): never the value itself.
        let sealedValue: String?
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
