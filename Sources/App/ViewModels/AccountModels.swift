/// View models of the sign-in and account pages.

struct CountryOption: Encodable {
    let code: String
    let name: String
    /// Digits of a national number without the trunk 0, for the browser-side check.
    let minDigits: Int
    let maxDigits: Int
    /// e.g. "🇨🇭 +41 Switzerland": flag and code first, so the closed select shows them.
    let label: String
    let isSelected: Bool
}

struct LoginView: Encodable {
    let csrf: String
    /// Where to go after signing in (a local path).
    let next: String
    let emailAction: String
    let smsAction: String
    let email: String
    let emailError: String?
    let countries: [CountryOption]
    let national: String
    let phoneError: String?
    /// Development only: where sent messages can be read.
    let outboxHref: String?
    let loginScript: String
}

struct CheckEmailView: Encodable {
    let maskedEmail: String
    let loginHref: String
    let outboxHref: String?
}

struct SMSVerifyView: Encodable {
    let csrf: String
    let action: String
    let phone: String
    let maskedPhone: String
    let next: String
    let error: String?
    let loginHref: String
    let outboxHref: String?
}

struct MagicLinkView: Encodable {
    let csrf: String
    let action: String
    let token: String
    let loginHref: String
}

/// The month's usage as an SVG bar chart, laid out in Swift so the template only
/// places rectangles (no inline styles: the CSP allows none).
struct UsageChart: Encodable {
    struct Bar: Encodable {
        let x: Int
        let y: Int
        let height: Int
        let kind: String
        let label: String
    }
    let width: Int
    let height: Int
    let bars: [Bar]
    let summary: String
    let draftsToday: Int
    let draftsLimit: Int
    let buildsToday: Int
    let buildsLimit: Int
    let monthDrafts: Int
    let monthBuilds: Int
}

struct DashboardView: Encodable {
    let usage: UsageChart
    let settingsHref: String
    /// Only for platform administrators.
    let adminHref: String?
    let displayName: String
    let organizationName: String
    let planName: String
    let logoutAction: String
    let csrf: String
    let docsHref: String
}

struct OutboxView: Encodable {
    struct Message: Encodable {
        let channel: String
        let recipient: String
        let subject: String?
        let body: String
        let createdAt: String
        /// The first http(s) link in the body, if any.
        let link: String?
    }
    let messages: [Message]
    let jsonHref: String
}

struct SettingsView: Encodable {
    struct Token: Encodable {
        let id: String
        let name: String
        let hint: String
        let created: String
        let lastUsed: String
        let expires: String
        let revokeAction: String
    }
    let csrf: String
    let displayName: String
    let email: String?
    let phone: String?
    let organizationName: String
    let planName: String
    let profileAction: String
    let tokenAction: String
    let deleteAction: String
    let exportHref: String
    let tokens: [Token]
    /// A token just created: shown this once.
    let newToken: String?
    let notice: String?
    let error: String?
    /// What to retype to delete the account.
    let confirmHint: String
    let workspace: WorkspaceSection
    let plan: PlanSection
    let connectedApps: [ConnectedApp]
}

/// One OAuth grant in Settings → Connected apps.
struct ConnectedApp: Encodable {
    let client: String
    let server: String
    let scopes: String
    let created: String
    let lastUsed: String
    let revokeAction: String
}

struct PlanSection: Encodable {
    let name: String
    /// The plan's limits from the plan table, e.g. "5 AI drafts a day".
    let limits: [String]
    let draftsToday: Int
    let draftsLimit: Int
    let buildsToday: Int
    let buildsLimit: Int
    let pricingHref: String
}

struct WorkspaceSection: Encodable {
    struct Member: Encodable {
        let name: String
        let contact: String
        let role: String
        let isYou: Bool
        /// Owners see a remove button for everyone but themselves.
        let removeAction: String?
    }
    struct Pending: Encodable {
        let email: String
        let role: String
        let expires: String
    }
    struct Choice: Encodable {
        let id: String
        let name: String
        let isCurrent: Bool
    }
    let isOwner: Bool
    let renameAction: String
    let inviteAction: String
    let switchAction: String
    let members: [Member]
    let pending: [Pending]
    /// Every workspace the person belongs to (shown when there is more than one).
    let choices: [Choice]
    let canSwitch: Bool
}

struct InvitationView: Encodable {
    let csrf: String
    let action: String
    let token: String
    let organizationName: String
    let email: String
}

struct AdminView: Encodable {
    struct UserRow: Encodable {
        let name: String
        let contact: String
        let isAdmin: Bool
        let joined: String
    }
    struct OrganizationRow: Encodable {
        let name: String
        let plan: String
        let isSuspended: Bool
        let action: String
    }
    let search: String
    let searchAction: String
    let csrf: String
    let users: [UserRow]
    let organizations: [OrganizationRow]
}

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
    ].map(ActionOption.init)

    let action: String
    let filters: Filters
    let actions: [ActionOption]
    let events: [Row]
    let nextHref: String?
    let resetHref: String
}
