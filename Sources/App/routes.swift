import Vapor

/// Every feature registers its own routes from the `SiteRoute` table.
func routes(_ app: Application, config: AppConfig) throws {
    let accounts = AccountMiddleware.all(app.accounts)
    try app.register(collection: SiteRoutes(sessions: SessionAuthenticator(cookies: app.accounts.cookies)))
    try app.register(collection: AccountRoutes(accounts: accounts, showsOutbox: !config.isProduction))
    try app.register(collection: DashboardRoutes(accounts: accounts))
    try app.register(collection: SettingsRoutes(accounts: accounts))
    try app.register(collection: BillingRoutes(accounts: accounts))
    try app.register(collection: AdminRoutes(accounts: accounts))
    try app.register(collection: WizardRoutes(accounts: accounts))
    try app.register(collection: ServerRoutes(accounts: accounts))
    try app.register(collection: ForkRoutes(accounts: accounts))
    try app.register(collection: BuildRoutes(accounts: accounts))
    try app.register(collection: PublishRoutes(accounts: accounts))
    try app.register(collection: TemplateDiscoveryRoutes(accounts: accounts))
    try app.register(collection: OAuthRoutes(accounts: accounts))
    try app.register(collection: MCPRoutes(crossOrigin: .origins(app.accounts.origins, clients: config.mcpBrowserOrigins)))
    try app.register(collection: ModerationRoutes(accounts: accounts))
    try app.register(collection: ObservabilityRoutes())
    try app.register(collection: BillingWebhookRoutes())
    if config.reloadsFiles {
        try app.register(collection: DevelopmentReloadRoutes())
    }
}
