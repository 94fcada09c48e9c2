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
    /// Set when the plan's server limit is reached: a build from this draft would be refused with `plan_limit`.
    let serverLimitNote: String?
    let billingHref: String
    let examples: [Example]
    let maxPromptCharacters: Int
    let script: String
}
