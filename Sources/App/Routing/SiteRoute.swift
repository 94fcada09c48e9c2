import Foundation

/// Every URL of the app, in one table. Each case registers its route
/// (`routes.get(.server(.key), use:)`), prints its links (`.server(.value(id)).path`),
/// and feeds the sitemap and the static export. No other file spells a URL.
enum SiteRoute: Hashable, Sendable {
    // The public site: the same bytes for every visitor.
    case home
    case pricing
    case docsIndex
    /// A docs page or section index; `path` is what follows `/docs/`.
    case docs(path: Parameter<String>)
    case changelog
    case changelogFeed
    case legal(LegalPage)
    case status
    case offline
    case sitemap
    case robots
    case searchIndex
    /// The OpenAPI 3.1 document of the API (`Content/openapi.json`).
    case openAPI
    case webManifest
    /// `/favicon.ico`, which browsers fetch wherever no page names an icon (a JSON or XML file
    /// opened directly, an image) and feed readers always.
    case favicon
    case serviceWorker
    /// A fingerprinted file under `/assets/`.
    case asset(Parameter<String>)
    /// The page a static host serves for unknown paths; written by the export only.
    case notFoundPage
    case healthz
    case readyz
    /// Prometheus metrics of this instance (loopback or `BMM_METRICS_TOKEN` only).
    case metrics

    // Signing in and out.
    case login
    case loginEmail
    case loginCheckEmail
    case loginSMS
    case loginSMSVerify
    case magicLink
    case logout
    case devOutbox
    case devOutboxJSON
    /// Development reload: an event stream that says when files changed, and its script.
    case devReload
    case devReloadScript

    // The signed-in app.
    case dashboard
    case settings
    case settingsAction(SettingsAction)
    /// The workspace's plan, invoices and usage (`/settings/billing`), and its form actions.
    case billing(BillingPage = .overview)
    /// An emailed invitation to a workspace.
    case invitation
    case admin
    case adminOrganization(Parameter<UUID>, AdminAction)
    case audit
    case servers
    case newServer
    /// Wizard step 2 for a stored draft.
    case serverDraft(Parameter<UUID>)
    /// A server's page, or one of its sub-pages and form actions.
    case server(Parameter<UUID>, ServerPage = .overview)
    /// Wizard step 2 for a fork: the template's spec, a fork reference in the query.
    case forkWizard

    // The template marketplace.
    case templates
    /// A template's public page, or one of its sub-pages and form actions.
    case template(Parameter<String>, TemplatePage = .overview)
    /// The moderation queue, and what a moderator can do to one template.
    case adminTemplates
    /// The events that belong to no workspace.
    case adminAudit
    case adminTemplate(Parameter<String>, AdminTemplateAction)

    /// The JSON API under `/v1`.
    case api(APIRoute)
    /// The OAuth 2.1 authorization server's endpoints.
    case oauth(OAuthRoute)
    /// Discovery documents under `/.well-known` (and where clients look for them).
    case wellKnown(WellKnownRoute)
    /// A hosted server's MCP endpoint; also its OAuth resource identifier.
    case mcp(Parameter<UUID>)

    enum LegalPage: String, CaseIterable, Sendable {
        case security, privacy, terms, agb
    }

    var segments: [PathSegment] {
        switch self {
        case .home: []
        case .pricing: parts("pricing")
        case .docsIndex: parts("docs")
        case .docs(let path): parts("docs", path.catchAll)
        case .changelog: parts("changelog")
        case .changelogFeed: parts("changelog/feed.xml")
        case .legal(let page): parts(page.rawValue)
        case .status: parts("status")
        case .offline: parts("offline")
        case .sitemap: parts("sitemap.xml")
        case .robots: parts("robots.txt")
        case .searchIndex: parts("search-index.json")
        case .openAPI: parts("openapi.json")
        case .webManifest: parts("manifest.webmanifest")
        case .favicon: parts("favicon.ico")
        case .serviceWorker: parts("sw.js")
        case .asset(let file): parts("assets", file.catchAll)
        case .notFoundPage: parts("404.html")
        case .healthz: parts("healthz")
        case .readyz: parts("readyz")
        case .metrics: parts("metrics")
        case .login: parts("login")
        case .loginEmail: parts("login/email")
        case .loginCheckEmail: parts("login/check-email")
        case .loginSMS: parts("login/sms")
        case .loginSMSVerify: parts("login/sms/verify")
        case .magicLink: parts("auth/magic")
        case .logout: parts("logout")
        case .devOutbox: parts("dev/outbox")
        case .devOutboxJSON: parts("dev/outbox.json")
        case .devReload: parts("dev/reload")
        case .devReloadScript: parts("dev/reload.js")
        case .dashboard: parts("dashboard")
        case .settings: parts("settings")
        case .settingsAction(let action): parts("settings", action.segments)
        case .billing(let page): parts("settings/billing", page.segments)
        case .invitation: parts("invite")
        case .admin: parts("admin")
        case .adminOrganization(let id, let action): parts("admin/orgs", id.segment(.organization), action.rawValue)
        case .audit: parts("audit")
        case .servers: parts("servers")
        case .newServer: parts("servers/new")
        case .serverDraft(let id): parts("servers/new", id.segment(.draft))
        case .server(let id, let page): parts("servers", id.segment(.server), page.segments)
        case .forkWizard: parts("servers/new/fork")
        case .templates: parts("templates")
        case .template(let slug, let page): parts("templates", slug.segment(.template), page.segments)
        case .adminTemplates: parts("admin/templates")
        case .adminAudit: parts("admin/audit")
        case .adminTemplate(let slug, let action): parts("admin/templates", slug.segment(.template), action.rawValue)
        case .api(let route): parts("v1", route.segments)
        case .oauth(let route): route.segments
        case .wellKnown(let route): route.segments
        case .mcp(let id): parts("mcp", id.segment(.server))
        }
    }

    /// The path, e.g. `/servers/3f0c…/playground`.
    var path: String { segments.path }

    /// The path with a query string, e.g. `/login?next=/dashboard`.
    func path(_ query: QueryString) -> String {
        query.items.isEmpty ? path : path + "?" + query.text
    }

    /// The path followed by a fragment, e.g. `/settings#tokens-title`.
    func path(fragment: String) -> String {
        path + "#" + fragment
    }

    /// An absolute URL under `base` (the configured public URL).
    func url(base: String, _ query: QueryString = QueryString()) -> String {
        base + path(query)
    }
}

/// Form actions on the settings page.
enum SettingsAction: Hashable, Sendable {
    case profile
    /// Asks for a link to a new sign-in email address.
    case changeEmail
    /// The link's page and its confirmation (GET and POST).
    case confirmEmail
    case tokens
    case revokeToken(Parameter<UUID>)
    case deleteAccount
    case renameWorkspace
    case switchWorkspace
    case members
    case removeMember(Parameter<UUID>)
    /// Makes a member an owner: how ownership moves before the last owner leaves.
    case makeOwner(Parameter<UUID>)
    /// The signed-in person leaves the current workspace.
    case leaveWorkspace
    /// Signs the person out of every other browser.
    case endOtherSessions
    /// Signs the person out of one other browser.
    case endSession(Parameter<UUID>)
    /// Cancels a pending invitation before anyone accepts it.
    case revokeInvitation(Parameter<UUID>)
    case revokeConnectedApp(Parameter<UUID>)

    var segments: [PathSegment] {
        switch self {
        case .profile: parts("profile")
        case .changeEmail: parts("email")
        case .confirmEmail: parts("email/confirm")
        case .tokens: parts("tokens")
        case .revokeToken(let id): parts("tokens", id.segment(.token), "revoke")
        case .deleteAccount: parts("delete")
        case .renameWorkspace: parts("workspace")
        case .switchWorkspace: parts("workspace/switch")
        case .leaveWorkspace: parts("workspace/leave")
        case .members: parts("members")
        case .removeMember(let id): parts("members", id.segment(.member), "remove")
        case .makeOwner(let id): parts("members", id.segment(.member), "owner")
        case .revokeInvitation(let id): parts("invitations", id.segment(.invitation), "revoke")
        case .endOtherSessions: parts("sessions/end-others")
        case .endSession(let id): parts("sessions", id.segment(.session), "end")
        case .revokeConnectedApp(let id): parts("connected-apps", id.segment(.grant), "revoke")
        }
    }
}

/// What an administrator can do to a workspace.
enum AdminAction: String, Hashable, Sendable, CaseIterable {
    case suspend
    case unsuspend
    /// Sets or clears the manual plan override (POST, audited).
    case plan
}

/// The billing page and its form actions, below `/settings/billing`. Each form posts and redirects, so the page
/// works without JavaScript; the embedded checkout is an enhancement of `checkout`.
enum BillingPage: Hashable, Sendable, CaseIterable {
    case overview
    /// Opens Checkout for a plan: redirects to Stripe's hosted page (POST).
    case checkout
    /// Opens Stripe's Billing Portal (POST).
    case portal
    /// Cancels at the end of the paid period (POST).
    case cancel
    /// Undoes a pending cancellation (POST).
    case reactivate
    /// The proration preview for a plan change (GET `?plan=&interval=`) and confirming it (POST).
    case changePlan
    /// Where Checkout sends the customer back (`?session_id=`), embedded or hosted.
    case checkoutReturn

    var segments: [PathSegment] {
        switch self {
        case .overview: []
        case .checkout: parts("checkout")
        case .portal: parts("portal")
        case .cancel: parts("cancel")
        case .reactivate: parts("reactivate")
        case .changePlan: parts("change-plan")
        case .checkoutReturn: parts("return")
        }
    }
}

/// A template's sub-pages and form actions, below `/templates/{slug}`.
enum TemplatePage: Hashable, Sendable, CaseIterable {
    case overview
    /// Creates a fork reference and opens the wizard with it (POST).
    case fork
    /// The report form (GET) and filing it (POST).
    case report
    /// The official MCP Registry's `server.json` for this template.
    case serverJSON
    /// The owner's edit form (GET) and saving it (POST).
    case edit
    /// The owner's public ↔ hidden switch (POST).
    case visibility

    var segments: [PathSegment] {
        switch self {
        case .overview: []
        case .fork: parts("fork")
        case .report: parts("report")
        case .serverJSON: parts("server.json")
        case .edit: parts("edit")
        case .visibility: parts("visibility")
        }
    }
}

/// What a moderator can do to a template.
enum AdminTemplateAction: String, Hashable, Sendable, CaseIterable {
    case verify
    case unverify
    case hide
    case takedown
    /// Marks the template's open reports as handled without other action.
    case dismissReports = "dismiss-reports"
    /// Undoes a takedown: the template goes back to its owner, hidden.
    case restore
}

/// A server's sub-pages and form actions, below `/servers/{id}`.
/// The tabs (`overview`, `tools`, `playground`, `logs`, `secrets`, `versions`, `settings`) are pages of
/// their own; `playground`, `secrets` and `settings` also take their tab's form posts.
enum ServerPage: Hashable, Sendable {
    case overview
    case tools
    case playground
    case logs
    case secrets
    case versions
    case version(Parameter<Int>)
    case activateVersion(Parameter<Int>)
    case delete
    case iterate
    /// Reviewing a drafted revision before building it.
    case iteration(Parameter<UUID>)
    case settings
    /// The live spec edited by hand as JSON, built as the next version.
    case spec
    /// Creates an `mcp`-scoped token and shows the install snippets with it.
    case installToken
    /// Publishing the server as a marketplace template (or a new version of its template).
    case publish
    /// The update its template offers a fork: the diff (GET) and applying it (POST).
    case templateUpdate

    var segments: [PathSegment] {
        switch self {
        case .overview: []
        case .tools: parts("tools")
        case .playground: parts("playground")
        case .logs: parts("logs")
        case .secrets: parts("secrets")
        case .versions: parts("versions")
        case .version(let number): parts("versions", number.segment(.version))
        case .activateVersion(let number): parts("versions", number.segment(.version), "activate")
        case .delete: parts("delete")
        case .iterate: parts("iterate")
        case .iteration(let id): parts("iterate", id.segment(.draft))
        case .settings: parts("settings")
        case .spec: parts("spec")
        case .installToken: parts("install-token")
        case .publish: parts("publish")
        case .templateUpdate: parts("template-update")
        }
    }
}

extension SiteRoute {
    /// Paths of the `/v1` API, the only place a token with the `api` scope reaches.
    static func isAPI(path: String) -> Bool {
        path == "/v1" || path.hasPrefix("/v1/")
    }

    /// Paths whose errors are JSON whatever the client accepts: the API, the OAuth
    /// endpoints, the MCP endpoints and the discovery documents are read by programs, and
    /// so is any `….json` file (a template's `server.json`, the OpenAPI document).
    static func answersJSON(path: String) -> Bool {
        path == "/v1" || path.hasPrefix("/v1/") || path.hasPrefix("/oauth/") || path.hasPrefix("/mcp/")
            || path.hasPrefix("/.well-known/") || path.hasSuffix(".json") || isOAuthMachineAlias(path: path)
    }

    /// The 2025-03-26 fallback addresses of the token and registration endpoints (`/token`, `/register`):
    /// machine endpoints, answered in JSON like their `/oauth/` twins.
    static func isOAuthMachineAlias(path: String) -> Bool {
        path == SiteRoute.oauth(.defaultToken).path || path == SiteRoute.oauth(.defaultRegister).path
    }

    /// Where errors also carry RFC 6749 §5.2's `error_description`, which OAuth clients read.
    static func answersOAuthErrors(path: String) -> Bool {
        path.hasPrefix("/oauth/") || isOAuthMachineAlias(path: path)
    }
}
