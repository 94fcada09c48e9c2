import Fluent

/// Every migration in the order it runs. One file per migration; never edit one
/// that has shipped — add a new one.
enum Migrations {
    static let all: [any Migration] = [
        CreateUsers(),
        CreateOrganizations(),
        CreateMemberships(),
        CreateSessions(),
        CreateLoginChallenges(),
        CreateOutboxMessages(),
        CreateAuditEvents(),
        CreateRateLimitBuckets(),
        CreateAPITokens(),
        CreateInvitations(),
        CreateUsageCounters(),
        CreateDrafts(),
        IndexDrafts(),
        CreateServers(),
        CreateServerSecrets(),
        CreateHostingTables(),
        CreateOAuthTables(),
        IndexToolCalls(),
        AddLoginChallengeNext(),
        AddAPITokenScopes(),
        AddBuildHeartbeat(),
        CreateTemplates(),
        IndexTemplateSource(),
        IndexTemplateSearch(),
        CreateSubscriptions(),
        CreateStripeEvents(),
        AddOrganizationBilling(),
        CreateToolCallDays(),
        IndexToolCallsByTime(),
        CreateContextChanges(),
        CreateTemplateForkers(),
        AddInvoiceCreatedTimes(),
        CreateEmailChanges(),
        CreateQueuedEmails(),
        AddDraftServer(),
        AddAPITokenParent(),
    ]
}
