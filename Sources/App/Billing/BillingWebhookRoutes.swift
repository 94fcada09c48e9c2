import Vapor

/// Stripe's event deliveries at `POST /v1/billing/webhook`. Machine traffic signed with the endpoint secret: no
/// session, no CSRF (Stripe sends no cookie and no Origin), no sign-in. The body is collected whole because the
/// signature covers the exact bytes; Stripe's events are far smaller than the limit.
struct BillingWebhookRoutes: RouteCollection {
    static let maxBodySize: ByteCount = "256kb"

    func boot(routes: any RoutesBuilder) throws {
        routes.on(.POST, .api(.billingWebhook), body: .collect(maxSize: Self.maxBodySize), use: BillingWebhookController.receive)
    }
}
