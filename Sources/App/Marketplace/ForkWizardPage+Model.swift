/// View model of the fork wizard: step 2 with the template's spec read-only, the
/// name and slug editable, and only the secrets to fill in.
struct ForkWizardView: Encodable {
    struct Tool: Encodable {
        let number: Int
        let name: String
        let title: String?
        let description: String
        let schema: String
        let hints: [String]
        let hasHints: Bool
        let implementation: String
    }

    struct Secret: Encodable {
        let key: String
        let field: String
        let description: String
        /// Only an http(s) link is ever rendered as a link.
        let linkHref: String?
        let sealedField: String
        /// A value typed before this page was rendered, sealed (`FormSecretCarry`): never the value itself.
        let sealedValue: String?
    }

    let csrf: String
    let action: String
    let ref: String
    /// "Forking Weather v3 by Ada".
    let banner: String
    let templateHref: String
    let name: String
    let slug: String
    let nameError: String?
    let slugError: String?
    let description: String
    let domains: [String]
    let hasDomains: Bool
    let tools: [Tool]
    let secrets: [Secret]
    let hasSecrets: Bool
    let error: String?
    let expiresNote: String
    let iterateNote: String
    let slugCheckHref: String
}
