import Foundation

/// The JSON API, below `/v1`.
enum APIRoute: Hashable, Sendable {
    case magicLink
    case sms
    case smsVerify
    case me
    case logout
    case tokens
    case token(Parameter<UUID>)
    case account
    case accountProfile
    case accountExport
    case audit
    case preview
    case previewStream
    case previewEdit(Parameter<UUID>)
    /// The secret patterns the server enforces, for the browser's own check.
    case secretPatterns
    case slugAvailability
    case servers
    case server(Parameter<UUID>)
    case buildLog(server: Parameter<UUID>, build: Parameter<UUID>)
    case buildLogSocket(server: Parameter<UUID>, build: Parameter<UUID>)
    case callsStream(Parameter<UUID>)
    /// One of a server's secrets, by key: PUT sets its value, DELETE removes one no version in use declares.
    case serverSecret(server: Parameter<UUID>, key: Parameter<String>)
    /// The update a fork's template offers (GET) and applying it (POST).
    case serverTemplateUpdate(Parameter<UUID>)
    /// A server's versions, newest first (GET), and building a new one from a spec (POST).
    case serverVersions(Parameter<UUID>)
    /// One version with its spec.
    case serverVersion(server: Parameter<UUID>, number: Parameter<Int>)
    /// Serving an earlier (or later) version again: rollback (POST).
    case serverVersionActivation(server: Parameter<UUID>, number: Parameter<Int>)
    /// Listing (GET) and publishing (POST) templates.
    case templates
    /// Every template of the caller's workspace, whatever its status.
    case templatesMine
    /// One template (GET) and editing its listing (PATCH).
    case template(Parameter<String>)
    case templateVisibility(Parameter<String>)
    /// Publishing a new version from the source server's active version (POST).
    case templateVersions(Parameter<String>)
    case templateFork(Parameter<String>)
    case templateReports(Parameter<String>)
    /// `{plan, interval, ui?}` → `{clientSecret}` (embedded) or `{url}` (hosted).
    case billingCheckoutSession
    case billingPortal
    /// The workspace's billing state, with a live Stripe lookup when Stripe answers.
    case billingStatus
    case billingCancel
    case billingReactivate
    /// What a plan change costs now (`{plan, interval}` → amount and proration date), before `billingChangePlan`.
    case billingChangePlanPreview
    case billingChangePlan
    /// Stripe's signed event deliveries.
    case billingWebhook

    var segments: [PathSegment] {
        switch self {
        case .magicLink: parts("auth/magic-link")
        case .sms: parts("auth/sms")
        case .smsVerify: parts("auth/sms/verify")
        case .me: parts("auth/me")
        case .logout: parts("auth/logout")
        case .tokens: parts("tokens")
        case .token(let id): parts("tokens", id.segment(.token))
        case .account: parts("account")
        case .accountProfile: parts("account/profile")
        case .accountExport: parts("account/export")
        case .audit: parts("audit")
        case .preview: parts("servers/preview")
        case .previewStream: parts("servers/preview/stream")
        case .previewEdit(let id): parts("servers/preview", id.segment(.draft), "edit")
        case .secretPatterns: parts("drafting/secret-patterns")
        case .slugAvailability: parts("servers/slug-availability")
        case .servers: parts("servers")
        case .server(let id): parts("servers", id.segment(.server))
        case .buildLog(let server, let build): parts("servers", server.segment(.server), "builds", build.segment(.build), "log")
        case .buildLogSocket(let server, let build):
            parts("servers", server.segment(.server), "builds", build.segment(.build), "log/ws")
        case .callsStream(let id): parts("servers", id.segment(.server), "calls/stream")
        case .serverSecret(let server, let key): parts("servers", server.segment(.server), "secrets", key.segment(.secret))
        case .serverTemplateUpdate(let id): parts("servers", id.segment(.server), "template-update")
        case .serverVersions(let id): parts("servers", id.segment(.server), "versions")
        case .serverVersion(let server, let number): parts("servers", server.segment(.server), "versions", number.segment(.version))
        case .serverVersionActivation(let server, let number):
            parts("servers", server.segment(.server), "versions", number.segment(.version), "activate")
        case .templates: parts("templates")
        case .templatesMine: parts("templates/mine")
        case .template(let slug): parts("templates", slug.segment(.template))
        case .templateVisibility(let slug): parts("templates", slug.segment(.template), "visibility")
        case .templateVersions(let slug): parts("templates", slug.segment(.template), "versions")
        case .templateFork(let slug): parts("templates", slug.segment(.template), "fork")
        case .templateReports(let slug): parts("templates", slug.segment(.template), "reports")
        case .billingCheckoutSession: parts("billing/checkout-session")
        case .billingPortal: parts("billing/portal")
        case .billingStatus: parts("billing/status")
        case .billingCancel: parts("billing/cancel")
        case .billingReactivate: parts("billing/reactivate")
        case .billingChangePlanPreview: parts("billing/change-plan/preview")
        case .billingChangePlan: parts("billing/change-plan")
        case .billingWebhook: parts("billing/webhook")
        }
    }
}
