import Foundation

extension SiteRoute {
    /// Every route with its parameters as keys: the shapes the app may register.
    /// A test checks that every registered route is one of these, so a route added
    /// with a hand-written path fails the suite.
    static var allShapes: [SiteRoute] {
        let fixed: [SiteRoute] = [
            .home, .pricing, .docsIndex, .docs(path: .key), .changelog, .changelogFeed, .status, .offline, .sitemap,
            .robots, .searchIndex, .openAPI, .webManifest, .favicon, .serviceWorker, .asset(.key), .notFoundPage, .healthz, .readyz, .metrics,
            .login, .loginEmail, .loginCheckEmail, .loginSMS, .loginSMSVerify, .magicLink, .logout,
            .devOutbox, .devOutboxJSON, .devReload, .devReloadScript, .dashboard, .settings, .invitation, .admin, .audit,
            .servers, .newServer, .serverDraft(.key), .mcp(.key), .forkWizard, .templates, .adminTemplates, .adminAudit,
        ]
        let settings: [SettingsAction] = [
            .profile, .tokens, .revokeToken(.key), .deleteAccount, .renameWorkspace, .switchWorkspace, .members,
            .removeMember(.key), .makeOwner(.key), .leaveWorkspace, .changeEmail, .confirmEmail, .revokeInvitation(.key), .endOtherSessions, .endSession(.key),
            .revokeConnectedApp(.key),
        ]
        let serverPages: [ServerPage] = [
            .overview, .tools, .playground, .logs, .secrets, .versions, .version(.key), .activateVersion(.key), .delete, .iterate,
            .iteration(.key), .settings, .spec, .installToken, .publish, .templateUpdate,
        ]
        let api: [APIRoute] = [
            .magicLink, .sms, .smsVerify, .me, .logout, .tokens, .token(.key), .account, .accountProfile,
            .accountExport, .audit, .preview, .previewStream, .previewEdit(.key), .secretPatterns, .slugAvailability,
            .servers, .server(.key), .buildLog(server: .key, build: .key), .buildLogSocket(server: .key, build: .key),
            .callsStream(.key), .serverSecret(server: .key, key: .key), .serverTemplateUpdate(.key), .serverVersions(.key),
            .serverVersion(server: .key, number: .key), .serverVersionActivation(server: .key, number: .key), .templates, .templatesMine, .template(.key),
            .templateVisibility(.key), .templateVersions(.key), .templateFork(.key), .templateReports(.key),
            .billingCheckoutSession, .billingPortal, .billingStatus, .billingCancel, .billingReactivate,
            .billingChangePlanPreview, .billingChangePlan, .billingWebhook,
        ]
        let oauth: [OAuthRoute] = [.authorize, .token, .register, .revoke, .defaultAuthorize, .defaultToken, .defaultRegister]
        let wellKnown: [WellKnownRoute] = [
            .protectedResource(.key), .protectedResourceRoot, .authorizationServer, .openIDConfiguration,
            .authorizationServerInserted(.key), .openIDConfigurationInserted(.key), .openIDConfigurationUnderServer(.key),
        ]
        return fixed
            + LegalPage.allCases.map { .legal($0) }
            + settings.map { .settingsAction($0) }
            + BillingPage.allCases.map { .billing($0) }
            + AdminAction.allCases.map { .adminOrganization(.key, $0) }
            + TemplatePage.allCases.map { .template(.key, $0) }
            + AdminTemplateAction.allCases.map { .adminTemplate(.key, $0) }
            + serverPages.map { .server(.key, $0) }
            + api.map { .api($0) }
            + oauth.map { .oauth($0) }
            + wellKnown.map { .wellKnown($0) }
    }
}
