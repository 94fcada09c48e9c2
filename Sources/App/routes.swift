import Vapor

/// Registers every route of `SiteRoute` with its handler.
func routes(_ app: Application, config: AppConfig) throws {
    func get(_ route: SiteRoute, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        app.on(.GET, route.components.map { PathComponent(stringLiteral: $0) }, use: handler)
    }
    get(.home, MarketingController.home)
    get(.pricing, MarketingController.pricing)
    get(.docsIndex, DocsController.index)
    app.get("docs", "**", use: DocsController.page)
    get(.changelog, ChangelogController.page)
    get(.changelogFeed, ChangelogController.feed)
    for page in SiteRoute.LegalPage.allCases {
        get(.legal(page), LegalController.page(page))
    }
    get(.status, HealthController.status)
    get(.healthz, HealthController.healthz)
    get(.readyz, HealthController.readyz)
    get(.offline, SiteFilesController.offline)
    get(.sitemap, SiteFilesController.sitemap)
    get(.robots, SiteFilesController.robots)
    get(.searchIndex, SiteFilesController.searchIndex)
    get(.webManifest, SiteFilesController.webManifest)
    get(.serviceWorker, SiteFilesController.serviceWorker)
    app.get("assets", "**", use: SiteFilesController.asset)

    // Everything that knows who is asking: sessions, CSRF checks, no page cache.
    let accounts = app.grouped(
        SessionAuthenticator(cookies: app.accounts.cookies),
        CSRFMiddleware(cookies: app.accounts.cookies, publicOrigin: app.accounts.publicOrigin),
        SuspensionGuard()
    )
    func on(_ method: HTTPMethod, _ route: SiteRoute, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        accounts.on(method, route.components.map { PathComponent(stringLiteral: $0) }, use: handler)
    }
    on(.GET, .login, AuthPagesController.login)
    on(.POST, .loginEmail, AuthPagesController.requestEmail)
    on(.GET, .loginCheckEmail, AuthPagesController.checkEmail)
    on(.POST, .loginSMS, AuthPagesController.requestSMS)
    on(.GET, .loginSMSVerify, AuthPagesController.smsVerifyPage)
    on(.POST, .loginSMSVerify, AuthPagesController.verifySMS)
    on(.GET, .magicLink, AuthPagesController.magicPage)
    on(.POST, .magicLink, AuthPagesController.completeMagic)
    on(.POST, .logout, AuthPagesController.logout)
    on(.GET, .dashboard, DashboardController.overview)
    on(.GET, .settings, SettingsController.page)
    accounts.post("settings", "profile", use: SettingsController.saveProfile)
    accounts.post("settings", "tokens", use: SettingsController.createToken)
    accounts.post("settings", "tokens", ":id", "revoke", use: SettingsController.revokeToken)
    accounts.post("settings", "delete", use: SettingsController.deleteAccount)
    accounts.post("settings", "workspace", use: SettingsController.renameWorkspace)
    accounts.post("settings", "workspace", "switch", use: SettingsController.switchWorkspace)
    accounts.post("settings", "members", use: SettingsController.invite)
    accounts.post("settings", "members", ":id", "remove", use: SettingsController.removeMember)
    accounts.post("settings", "connected-apps", ":id", "revoke", use: ConnectedApps.revoke)
    accounts.get("invite", use: InvitationController.page)
    accounts.post("invite", use: InvitationController.accept)
    on(.GET, .admin, AdminController.page)
    on(.GET, .audit, AuditPageController.page)
    accounts.post("admin", "orgs", ":id", "suspend", use: AdminController.suspend)
    accounts.post("admin", "orgs", ":id", "unsuspend", use: AdminController.unsuspend)

    let api = accounts.grouped("v1", "auth")
    api.post("magic-link", use: AuthAPIController.requestMagicLink)
    api.post("sms", use: AuthAPIController.requestSMS)
    api.post("sms", "verify", use: AuthAPIController.verifySMS)
    api.get("me", use: AuthAPIController.currentUser)
    api.post("logout", use: AuthAPIController.logout)

    let v1 = accounts.grouped("v1")
    v1.post("tokens", use: AccountAPIController.createToken)
    v1.get("tokens", use: AccountAPIController.listTokens)
    v1.delete("tokens", ":id", use: AccountAPIController.revokeToken)
    v1.patch("account", "profile", use: AccountAPIController.updateProfile)
    v1.delete("account", use: AccountAPIController.deleteAccount)
    v1.get("account", "export", use: DataExportController.export)
    v1.get("audit", use: AuditAPIController.list)
    v1.post("servers", "preview", use: PreviewAPIController.preview)
    v1.post("servers", "preview", "stream", use: PreviewAPIController.stream)
    v1.post("servers", "preview", ":id", "edit", use: PreviewAPIController.edit)
    v1.get("servers", "slug-availability", use: ServersAPIController.slugAvailability)
    v1.post("servers", use: ServersAPIController.create)
    v1.get("servers", use: ServersAPIController.list)
    v1.get("servers", ":id", use: ServersAPIController.show)
    v1.delete("servers", ":id", use: ServersAPIController.delete)
    v1.get("servers", ":id", "builds", ":buildID", "log", use: BuildLogController.stream)
    v1.get("servers", ":id", "calls", "stream", use: CallTailController.stream)
    v1.webSocket("servers", ":id", "builds", ":buildID", "log", "ws", shouldUpgrade: BuildLogController.upgrade, onUpgrade: BuildLogController.socket)
    // Public: the browser's copy of the patterns the server enforces.
    app.get("v1", "drafting", "secret-patterns", use: PreviewAPIController.secretPatterns)

    on(.GET, .servers, ServersPageController.list)
    on(.GET, .newServer, WizardController.promptPage)
    on(.POST, .newServer, WizardController.submitPrompt)
    accounts.get("servers", "new", ":id", use: WizardController.reviewPage)
    accounts.post("servers", "new", ":id", use: WizardController.submitReview)
    accounts.get("servers", ":id", use: ServerPageController.page)
    accounts.post("servers", ":id", "playground", use: ServerPageController.playground)
    accounts.post("servers", ":id", "secrets", use: ServerPageController.replaceSecret)
    accounts.post("servers", ":id", "versions", ":number", "activate", use: ServerPageController.rollback)
    accounts.post("servers", ":id", "delete", use: ServerPageController.delete)
    accounts.post("servers", ":id", "iterate", use: IterationController.iterate)
    accounts.get("servers", ":id", "iterate", ":draftID", use: IterationController.review)
    accounts.post("servers", ":id", "iterate", ":draftID", use: IterationController.build)
    accounts.post("servers", ":id", "settings", use: IterationController.settings)
    accounts.get("servers", ":id", "versions", ":number", use: IterationController.versionDiff)

    // OAuth 2.1: discovery at every variant clients probe, the consent flow (signed
    // in, CSRF-protected) and the machine endpoints for public clients.
    app.get(".well-known", "oauth-protected-resource", "mcp", ":serverID", use: OAuthMetadataController.protectedResource)
    app.get(".well-known", "oauth-protected-resource", use: OAuthMetadataController.protectedResourceRoot)
    for path in [["oauth-authorization-server"], ["openid-configuration"]] {
        app.get([".well-known"] + path.map { PathComponent(stringLiteral: $0) }, use: OAuthMetadataController.authorizationServer)
    }
    // RFC 8414 §3.1 path insertion for an issuer with a path, and the resource-relative
    // variants some clients build from the MCP URL.
    app.get(".well-known", "oauth-authorization-server", "**", use: OAuthMetadataController.authorizationServer)
    app.get(".well-known", "openid-configuration", "**", use: OAuthMetadataController.authorizationServer)
    app.get("mcp", ":serverID", ".well-known", "openid-configuration", use: OAuthMetadataController.authorizationServer)
    on(.GET, .oauthAuthorize, OAuthAuthorizeController.get)
    on(.POST, .oauthAuthorize, OAuthAuthorizeController.post)
    app.post("oauth", "register", use: OAuthTokenController.register)
    app.post("oauth", "token", use: OAuthTokenController.token)
    app.post("oauth", "revoke", use: OAuthTokenController.revoke)
    // Clients that lose the metadata (after a restart) fall back to the issuer's
    // default paths (MCP authorization spec); answer there too.
    app.post("token", use: OAuthTokenController.token)
    app.post("register", use: OAuthTokenController.register)
    accounts.get("authorize", use: OAuthAuthorizeController.get)

    // Hosted MCP endpoints: machine traffic with bearer tokens, no cookies.
    app.on(.POST, "mcp", ":serverID", body: .collect(maxSize: "1mb"), use: MCPController.post)
    app.on(.GET, "mcp", ":serverID", use: MCPController.get)
    app.on(.DELETE, "mcp", ":serverID", use: MCPController.delete)

    if !config.isProduction {
        on(.GET, .devOutbox, DevOutboxController.page)
        on(.GET, .devOutboxJSON, DevOutboxController.json)
    }
    if config.reloadsFiles {
        app.get(DevelopmentReload.eventsPath.pathComponents, use: DevelopmentReload.events)
        app.get(DevelopmentReload.scriptPath.pathComponents, use: DevelopmentReload.script)
    }
}
