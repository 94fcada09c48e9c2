struct AuditView: Encodable {
    let title: String
    let lede: String
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
        "access.refused",
        "account.created", "account.delete_refused", "account.deleted", "account.email_change_requested", "account.email_changed",
        "account.profile_updated",
        "admin.granted", "admin.revoked",
        "admin.template.verify", "admin.template.unverify", "admin.template.hide", "admin.template.takedown",
        "admin.template.dismiss_reports", "admin.template.restore",
        "auth.delivery_failed", "auth.magic_link_requested", "auth.signed_in", "auth.signed_out", "auth.sign_in_failed",
        "auth.signed_out_elsewhere", "auth.sms_code_requested",
        "billing.plan_changed", "billing.suspended", "billing.restored",
        "draft.created",
        "invitation.refused", "invitation.revoked", "member.invited", "member.joined", "member.left", "member.made_owner", "member.removed",
        "oauth.consent_denied", "oauth.consent_granted", "oauth.grant_revoked", "oauth.token_failed", "oauth.token_revoked",
        "org.renamed", "org.suspended", "org.unsuspended", "org.plan_override_set", "org.plan_override_cleared",
        "server.created", "server.deleted", "server.build_requested", "server.build_succeeded", "server.build_failed", "server.secret_set", "server.secret_replaced", "server.secret_deleted", "server.template_updated",
        "server.version_activated",
        "template.publish", "template.version", "template.update", "template.fork", "template.report", "template.reshare",
        "template.unshare",
        "token.created", "token.revoked", "token.scope_refused",
    ].map(ActionOption.init)

    let action: String
    /// Set for a member, whose log holds only their own events.
    let scopeNote: String?
    let filters: Filters
    let actions: [ActionOption]
    let events: [Row]
    let nextHref: String?
    let resetHref: String
}
