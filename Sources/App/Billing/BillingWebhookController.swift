import Billing
import Vapor

/// Verifies a delivery, applies it once, and answers fast: Stripe waits for a 2xx and retries anything else, so
/// the handler reads and writes only the database (no Stripe call, no mail provider: emails are queued).
enum BillingWebhookController {
    struct Answer: Encodable {
        let received: Bool
        /// `applied`, `duplicate` or `ignored`.
        let outcome: String
    }

    static func receive(_ req: Request) async throws -> Response {
        let billing = req.application.billing
        guard billing.isOn, let stripe = billing.settings.stripe else {
            throw APIError(.notFound, "billing_off", "Billing is off on this deployment.")
        }
        guard let secret = stripe.webhookSecret, !secret.isEmpty else {
            throw APIError(.serviceUnavailable, "webhook_not_configured",
                           "The webhook endpoint has no signing secret configured (STRIPE_WEBHOOK_SECRET).")
        }
        // The route collects at most this much from the network; the check also holds for a body handed over whole.
        guard (req.body.data?.readableBytes ?? 0) <= BillingWebhookRoutes.maxBodySize.value else {
            throw APIError(.payloadTooLarge, "payload_too_large", "A Stripe event is never this large.")
        }
        let payload = req.body.data.map { Array($0.readableBytesView) } ?? []
        let verifier = StripeWebhookVerifier(secret: secret)
        do {
            try verifier.verify(payload: payload, header: req.headers.first(name: "Stripe-Signature"), now: req.application.clock.now())
        } catch {
            req.logger.notice("stripe webhook refused: \(error)")
            throw APIError(.badRequest, "invalid_signature", Self.message(error))
        }
        let event: StripeEvent
        do {
            event = try StripeEvent.decode(payload)
        } catch .thinEvent {
            // Refusing it would make Stripe retry it for days and then disable the endpoint; it carries nothing to apply.
            req.logger.warning("stripe webhook: a thin event arrived; set the destination's payload style to snapshot (see the billing docs)")
            return try req.json(Answer(received: true, outcome: "ignored"))
        } catch {
            req.logger.warning("stripe webhook: a signed body is not an event Stripe would send")
            throw APIError(.badRequest, "malformed_event", "The body is not a Stripe event, or a handled event's object cannot be read.")
        }

        if let version = event.apiVersion, version != StripeClient.apiVersion {
            // An endpoint renders its events in its own API version, whatever the requests pin; older shapes are
            // read where the app knows them, but the endpoint should be moved to the version the app is built for.
            req.logger.warning("stripe webhook \(event.id): API version \(version), the app expects \(StripeClient.apiVersion); set the endpoint's version in Stripe")
        }
        let ledger = StripeEventLedger(database: req.db, now: req.application.clock.now(), logger: req.logger)
        let outcome: StripeEventLedger.Outcome
        do {
            outcome = try await ledger.apply(event) { database in
                let handler = StripeEventHandler(
                    database: database, now: req.application.clock.now(), prices: stripe.prices,
                    audit: req.auditLog(database: database), logger: req.logger)
                let effect = try await handler.handle(event)
                // Queued with the effect, sent after the answer: a rolled-back event mails nothing, a committed one
                // is not lost to a mail provider that is down, and Stripe never waits on the provider.
                try await MailQueue(database: database, now: req.application.clock.now())
                    .enqueue(effect.notices.map { $0.message(publicURL: req.accounts.publicURL) })
                return effect
            }
        } catch {
            req.logger.error("stripe webhook \(event.id) (\(event.type)) failed and was rolled back: \(LoggedError.description(error))")
            throw APIError(.internalServerError, "webhook_failed", "The event could not be applied; Stripe will send it again.")
        }
        if case .applied(let effect) = outcome, !effect.notices.isEmpty {
            req.application.mailQueueSignal.signal()
        }
        return try req.json(Answer(received: true, outcome: outcome.name))
    }

    /// Which check failed, in words Stripe's dashboard shows next to the delivery; never the secret or the header.
    private static func message(_ error: StripeWebhookError) -> String {
        switch error {
        case .missingHeader: "No Stripe-Signature header."
        case .malformedHeader: "The Stripe-Signature header is malformed."
        case .noV1Signature: "The Stripe-Signature header has no v1 signature."
        case .timestampOutsideTolerance: "The signature's timestamp is more than 5 minutes away from now."
        case .noMatchingSignature: "No signature matches this body with the endpoint's secret."
        case .malformedEvent: "The body is not a Stripe event."
        case .thinEvent: "Thin events are not read here; send snapshot events."
        case .missingSecret: "The endpoint has no signing secret."
        }
    }
}
