import Billing
import Core
import Vapor

/// The API errors billing answers with. Stripe's own text never reaches a caller: it can quote ids (customer,
/// subscription, price) and is written for developers; each case gets a fixed, friendly sentence instead.
enum BillingFailure {
    /// 409 rather than 404: the route exists on every deployment, this one just does not sell plans.
    static let billingOff = APIError(
        .conflict, "billing_off",
        "Billing is off on this deployment: every workspace has the plan set by the operator, and nothing is sold here.")
    static let noCustomer = APIError(
        .conflict, "no_customer", "This workspace has no billing account yet. Choose a plan to start a subscription.")
    static let noSubscription = APIError(
        .conflict, "no_subscription", "This workspace has no subscription. Choose a plan to start one.")
    static let alreadySubscribed = APIError(
        .conflict, "already_subscribed",
        "This workspace already has a subscription. Change its plan instead of starting another checkout.")
    /// Stripe stopped retrying the subscription's payment but still invoices it: a second subscription would be
    /// billed beside it, and paying the open invoice makes this one active again.
    static let subscriptionUnpaid = APIError(
        .conflict, "already_subscribed",
        "This workspace's subscription is unpaid: Stripe stopped retrying the payment but still invoices it. Pay the open invoice from Manage payment to restore the plan, or cancel the subscription first.")

    /// Stripe has a live subscription for the customer that this app has not heard of yet (its webhook is on the way).
    static let subscriptionPending = APIError(
        .conflict, "already_subscribed",
        "This workspace already has a subscription: Stripe is still confirming it, and the plan changes within a minute. Reload the billing page, then change the plan from there if you still want to.")

    static func invalidPlan(_ raw: String?) -> APIError {
        switch raw.flatMap(PlanID.init(rawValue:)) {
        case .hobby?:
            APIError(.badRequest, "invalid_plan", "Hobby is the free plan: there is nothing to buy. Choose Pro or Team.")
        case .enterprise?:
            APIError(.badRequest, "invalid_plan", "Enterprise is priced by contract; contact sales. Choose Pro or Team here.")
        default:
            APIError(.badRequest, "invalid_plan", "Choose the plan pro or team.")
        }
    }

    static let invalidInterval = APIError(.badRequest, "invalid_interval", "Choose the interval month or year.")

    /// Stripe failed: 503 when it could not be reached or answered too slowly (try again later), 502 when it
    /// refused (card declined, a request it rejects).
    static func from(_ error: StripeError) -> APIError {
        var answer = answer(to: error)
        answer.cause = error.description  // status, type, code, param and request id: made to be logged
        return answer
    }

    private static func answer(to error: StripeError) -> APIError {
        switch error {
        case .rateLimited:
            APIError(.serviceUnavailable, "stripe_unavailable",
                     "Stripe, our payment provider, is not answering right now. Nothing was changed; try again in a few minutes.",
                     headers: ["Retry-After": "30"])
        // The request may have reached Stripe and been applied (a connection that broke, no answer in time, a 5xx):
        // saying nothing changed could be wrong.
        // Also a 2xx whose body could not be read (Stripe applied the change) and an idempotency conflict after the
        // client's retries (the first request with that key may still be running).
        case .unreachable, .timeout, .api, .idempotency, .invalidResponse(200...299):
            APIError(.serviceUnavailable, "stripe_unavailable",
                     "Stripe, our payment provider, did not answer in full, so this may or may not have been applied. Check the billing page in a few minutes before trying again.",
                     headers: ["Retry-After": "30"])
        case .card:
            APIError(.badGateway, "stripe_error",
                     "The payment method was declined. Use another card or bank account in Stripe's payment page.")
        case .invalidRequest, .authentication, .permission, .invalidResponse, .misconfigured:
            APIError(.badGateway, "stripe_error",
                     "Stripe refused this request. Nothing was changed; if it happens again, contact support.")
        }
    }
}
