struct AuditView: Encodable {
    struct Filters: Encodable {
        let action: String
        let actor: String
        let resource: String
        let from: String
        let to: String
    }
    struct ActionOption: Encodable {
        let value: String
    }
    struct Row: Encodable {
        let time: String
        let timeLabel: String
        let action: String
        /// `ok`, `warn`, `danger` or `neutral`: the pill colour.
        let tone: String
        let actor: String
        let actorFilterHref: String?
        let resource: String
        let resourceFilterHref: String?
        let ip: String
        let metadata: String
    }
    /// Every action the app records, for the filter select.
    static let knownActions: [ActionOption] = [
        "account.created", "account.deleted", "account.profile_updated", "auth.delivery_failed", "auth.magic_link_requested",
        "auth.signed_in", "auth.signed_out", "auth.sign_in_failed", "auth.sms_code_requested", "org.suspended",
        "org.unsuspended", "token.created", "token.revoked",
        "admin.template.verify", "admin.template.unverify", "admin.template.hide", "admin.template.takedown",
        "admin.template.dismiss_reports", "admin.template.restore", "template.report",
    ].map(ActionOption.init)

    let action: String
    let filters: Filters
    let actions: [ActionOption]
    let events: [Row]
    let nextHref: String?
    let resetHref: String
}
