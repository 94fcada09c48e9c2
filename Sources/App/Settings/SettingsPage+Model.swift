import Core
import Foundation

struct SettingsView: Encodable {
    struct Token: Encodable {
        let id: String
        let name: String
        let hint: String
        let created: String
        let lastUsed: String
        let expires: String
        /// What the token reaches, e.g. "MCP servers" or "Full access".
        let reach: String
        let revokeAction: String
    }
    let csrf: String
    let displayName: String
    let email: String?
    let phone: String?
    let organizationName: String
    /// Sent back by the workspace's forms: a tab opened before the browser switched workspaces must not change
    /// the one switched to (`Request.checkFormWorkspace`).
    let workspaceID: String
    let planName: String
    let profileAction: String
    let emailAction: String
    /// The change-email form: empty, or what was typed when it was refused.
    let emailForm: EmailFormView
    let tokenAction: String
    /// The token form's `FormOnce` value: a reload of the page showing a new token makes no second one.
    var tokenOnce = ""
    /// A workspace name the rename form sent and was refused, shown back with the reason beside the field.
    var refusedRename: RefusedRename?

    struct RefusedRename: Encodable {
        let name: String
        let error: String
    }
    let deleteAction: String
    let exportHref: String
    let tokens: [Token]
    /// A token just created: shown this once.
    let newToken: String?
    /// The new-token form: its defaults, or what was typed when it was refused.
    let tokenForm: TokenFormView
    let notice: String?
    let error: String?
    /// What to retype to delete the account.
    let confirmHint: String
    /// Why deleting the account was refused, shown at its field (which the answer opens at and focuses).
    var deleteError: String? = nil
    /// Other browsers signed in as this person, and the form that signs them out.
    let otherSessions: Int
    let endSessionsAction: String
    /// The signed-in browsers, most recently used first, this one marked; and how many more are not listed.
    let sessions: [SignedInBrowser]
    let unlistedSessions: Int
    let workspace: WorkspaceSection
    let plan: PlanSection
    let connectedApps: [ConnectedApp]
}

/// One row of Settings → Signed-in browsers.
struct SignedInBrowser: Encodable {
    let name: String
    /// The address it signed in from, as this server saw it.
    let address: String
    let signedIn: String
    let lastActive: String
    let isCurrent: Bool
    /// Signs that browser out; none for this one (that is the menu's Sign out).
    let endAction: String?
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
    /// `/settings/billing`: the subscription, invoices and usage bars.
    let billingHref: String
}

struct WorkspaceSection: Encodable {
    struct Member: Encodable {
        let name: String
        let contact: String
        let role: String
        let isYou: Bool
        /// Owners see a remove button for everyone but themselves.
        let removeAction: String?
        /// Owners see a make-owner button for members who are not owners yet.
        let makeOwnerAction: String?
    }
    struct Pending: Encodable {
        let email: String
        let role: String
        let expires: String
        let revokeAction: String
    }
    struct Choice: Encodable {
        let id: String
        let name: String
        let isCurrent: Bool
    }
    let isOwner: Bool
    /// Whether the plan has members; without them the invite form gives way to a note.
    let canInvite: Bool
    let renameAction: String
    let inviteAction: String
    let switchAction: String
    let members: [Member]
    let pending: [Pending]
    /// Every workspace the person belongs to (shown when there is more than one).
    let choices: [Choice]
    let canSwitch: Bool
    /// The Leave button on your own row (explained under the table): in a workspace you share, unless you are its
    /// only owner.
    let leaveAction: String?
    /// A refused invitation: what was typed, kept, and why, shown at the field.
    var invite: InviteAttempt?

    struct InviteAttempt: Encodable {
        let email: String
        let asOwner: Bool
        let error: String
    }
}

extension SettingsView {
    static func drafterLine(_ drafter: DrafterChoice) -> String {
        drafter.drafter.isOffline
            ? "The built-in offline drafter drafts your servers (no language model is configured here)"
            : "\(drafter.label) drafts your servers"
    }
}

extension SettingsView {
    init(_ data: SettingsPageQuery.Data, current: CurrentUser, drafter: DrafterChoice, csrf: String, newToken: String?, notice: String?,
         error: String?, invite: WorkspaceSection.InviteAttempt? = nil, tokenForm: TokenFormView = TokenFormView(), email: EmailFormView = EmailFormView(),
         typedName: String? = nil) {
        let isOwner = data.isOwner
        let day = DayLabel.long
        let serverNames = Dictionary(data.servers.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let owners = data.members.filter { $0.role == Membership.Role.owner.rawValue }.count
        let canLeave = data.members.count > 1 && (!isOwner || owners > 1)
        let workspace = WorkspaceSection(
            isOwner: isOwner,
            canInvite: current.plan.members,
            renameAction: SiteRoute.settingsAction(.renameWorkspace).path,
            inviteAction: SiteRoute.settingsAction(.members).path,
            switchAction: SiteRoute.settingsAction(.switchWorkspace).path,
            members: data.members.map { member in
                let isYou = member.$user.id == current.user.id
                return WorkspaceSection.Member(
                    name: member.user.displayName, contact: member.user.email ?? member.user.phone ?? "", role: member.role, isYou: isYou,
                    removeAction: isOwner && !isYou ? SiteRoute.settingsAction(.removeMember(.value(member.id!))).path : nil,
                    makeOwnerAction: isOwner && member.role != Membership.Role.owner.rawValue
                        ? SiteRoute.settingsAction(.makeOwner(.value(member.id!))).path : nil
                )
            },
            pending: isOwner ? data.pending.map {
                WorkspaceSection.Pending(email: $0.email, role: $0.role, expires: day($0.expiresAt),
                                         revokeAction: SiteRoute.settingsAction(.revokeInvitation(.value($0.id!))).path)
            } : [],
            choices: data.memberships.map {
                WorkspaceSection.Choice(id: $0.organization.id!.uuidString, name: $0.organization.name, isCurrent: $0.organization.id == current.organization.id)
            },
            canSwitch: data.memberships.count > 1 && current.session != nil,
            leaveAction: canLeave ? SiteRoute.settingsAction(.leaveWorkspace).path : nil,
            invite: invite
        )
        // This browser first, then the others by when they were last used.
        let browsers = ([current.session].compactMap { $0 } + data.sessions).map { session in
            let isCurrent = session.id == current.session?.id
            return SignedInBrowser(
                name: BrowserName.of(userAgent: session.userAgent), address: session.ip ?? "Unknown", signedIn: day(session.createdAt),
                lastActive: isCurrent ? "now" : day(session.lastSeenAt), isCurrent: isCurrent,
                endAction: isCurrent ? nil : SiteRoute.settingsAction(.endSession(.value(session.id!))).path
            )
        }
        let plan = current.plan
        let planSection = PlanSection(
            name: plan.name,
            // This deployment's drafter, not the hosted plan's advertised model: a self-hosted instance
            // without a provider drafts offline whatever the plan says.
            limits: PlanPresentation.card(plan).limits.map { $0 == plan.modelLine ? Self.drafterLine(drafter) : $0 },
            draftsToday: data.draftsToday,
            draftsLimit: plan.dailyDrafts,
            buildsToday: data.buildsToday,
            buildsLimit: plan.dailyBuilds,
            pricingHref: SiteRoute.pricing.path,
            billingHref: SiteRoute.billing().path
        )
        self.init(
            csrf: csrf,
            displayName: typedName ?? current.user.displayName,
            email: current.user.email,
            phone: current.user.phone,
            organizationName: current.organization.name,
            workspaceID: current.organization.id?.uuidString ?? "",
            planName: current.plan.name,
            profileAction: SiteRoute.settingsAction(.profile).path,
            emailAction: SiteRoute.settingsAction(.changeEmail).path,
            emailForm: email,
            // The answer opens at the tokens section: on a phone the one-time value (or what to fix)
            // is otherwise a few screens below the top of the page.
            tokenAction: SiteRoute.settingsAction(.tokens).path(fragment: "tokens-title"),
            // Refused, the answer opens at the section with the reason beside the field, not in a banner far above it.
            deleteAction: SiteRoute.settingsAction(.deleteAccount).path(fragment: "danger-title"),
            exportHref: SiteRoute.api(.accountExport).path,
            tokens: data.tokens.map { token in
                SettingsView.Token(
                    id: token.id!.uuidString, name: token.name, hint: "…" + token.hint, created: day(token.createdAt),
                    lastUsed: token.lastUsedAt.map(day) ?? "Never", expires: token.expiresAt.map(day) ?? "Never",
                    reach: token.serverID.map { id in "MCP server: " + (serverNames[id] ?? "deleted") } ?? APITokenScope.label(token.scopes),
                    revokeAction: SiteRoute.settingsAction(.revokeToken(.value(token.id!))).path
                )
            },
            newToken: newToken,
            tokenForm: tokenForm.offering(data.servers),
            notice: notice,
            error: error,
            confirmHint: current.user.email ?? current.user.phone ?? "",
            otherSessions: data.otherSessions,
            endSessionsAction: SiteRoute.settingsAction(.endOtherSessions).path,
            sessions: browsers,
            unlistedSessions: max(0, data.otherSessions - browsers.filter { !$0.isCurrent }.count),
            workspace: workspace,
            plan: planSection,
            connectedApps: data.grants.map { grant in
                ConnectedApp(client: grant.client, server: grant.server, scopes: grant.scope, created: day(grant.created),
                             lastUsed: grant.lastUsed.map(day) ?? "Never", revokeAction: SiteRoute.settingsAction(.revokeConnectedApp(.value(grant.id))).path)
            }
        )
    }
}

/// The new-token form's fields; a refused form keeps the name, expiry and reach that were chosen.
struct TokenFormView: Encodable {
    struct Option: Encodable {
        let value: String
        let label: String
        let isChosen: Bool
    }
    let name: String
    let expiries: [Option]
    let scopes: [Option]
    /// The chosen server's id; empty for every server.
    let server: String
    /// "Every server" and the workspace's servers, filled in by `offering`.
    private(set) var servers: [Option] = []
    /// Why the form was refused, shown beside it rather than at the top of the page.
    let error: String?

    init(name: String = "", expiresInDays: String = "90", scope: String = "mcp", server: String = "", error: String? = nil) {
        self.name = name
        self.server = server
        self.error = error
        expiries = [("30", "in 30 days"), ("90", "in 90 days"), ("365", "in a year"), ("", "never")].map {
            Option(value: $0.0, label: $0.1, isChosen: $0.0 == expiresInDays)
        }
        scopes = [("mcp", "MCP servers: connect Claude, Cursor and other MCP clients"),
                  ("api", "The /v1 API: scripts that manage servers and tokens"), ("api mcp", "Both")].map {
            Option(value: $0.0, label: $0.1, isChosen: $0.0 == scope)
        }
    }

    /// The form with a choice of the workspace's servers; none to choose from, no choice shown.
    func offering(_ workspaceServers: [(id: UUID, name: String)]) -> TokenFormView {
        var form = self
        guard !workspaceServers.isEmpty else { return form }
        form.servers = [Option(value: "", label: "Every server in this workspace", isChosen: server.isEmpty)]
            + workspaceServers.map { Option(value: $0.id.uuidString, label: $0.name, isChosen: $0.id.uuidString == server) }
        return form
    }
}
