import Core
import Foundation
import Vapor

/// The billing page's forms: each posts and redirects (303) with a notice, or re-renders with the error, so the page
/// works without JavaScript; `billing.js` enhances the checkout button with the embedded Checkout.
enum BillingPageController {
    struct PlanForm: Content {
        var plan: String?
        var interval: String?
        var prorationDate: Int?
        var requestId: String?
    }

    static func page(_ req: Request) async throws -> Response {
        guard let current = req.currentUser else {
            // Only the two known parameters, re-encoded, go into the return path.
            let choice = ["plan", "interval"].compactMap { name in
                req.query[String.self, at: name].flatMap { value in
                    value.allSatisfy { $0.isASCII && $0.isLetter } && value.count <= 20 ? (name, value.lowercased()) : nil
                }
            }
            let back = SiteRoute.billing().path(QueryString(choice))
            return req.redirect(to: SiteRoute.login.path(QueryString([("next", back)])), redirectType: .normal)
        }
        let saved = req.query[String.self, at: "saved"]
        let notice: String? = switch saved {
        case "cancelled": "The subscription will end at the end of the paid period."
        case "reactivated": "The subscription will renew as usual."
        case "changed": "Stripe accepted the plan change. The new limits apply as soon as Stripe confirms it, usually within a minute."
        default: nil
        }
        return try await render(req, current, notice: notice, backFromCheckout: saved == "checkout")
    }

    /// Back from Checkout the webhook may land before or after the redirect: thanks either way, and once it has
    /// landed no "being confirmed" that would stay on the page (and on every reload) while the plan is already paid.
    static func checkoutNotice(_ status: BillingStatus) -> String {
        let active = ["active", "trialing"].contains(status.subscription?.status ?? "")
        guard active, status.plan.id != PlanID.hobby.rawValue else {
            return "Thanks! Your payment is being confirmed; the new plan shows here as soon as Stripe confirms it."
        }
        return "Thanks! The \(status.plan.name) plan is active."
    }

    static func checkout(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(PlanForm.self)
        return try await orRender(req, current) {
            let service = try await ownerService(req, current, form.requestId)
            let choice = try service.choice(plan: form.plan, interval: form.interval)
            guard case .url(let url) = try await service.checkout(current.organization, email: current.user.email, choice: choice, hosted: true) else {
                throw BillingFailure.from(.invalidResponse(status: 200))
            }
            return req.redirect(to: url, redirectType: .normal)
        }
    }

    static func portal(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(PlanForm.self)
        return try await orRender(req, current) {
            let url = try await ownerService(req, current, form.requestId).portal(current.organization)
            return req.redirect(to: url, redirectType: .normal)
        }
    }

    static func cancel(_ req: Request) async throws -> Response { try await setCancel(req, true) }
    static func reactivate(_ req: Request) async throws -> Response { try await setCancel(req, false) }

    private static func setCancel(_ req: Request, _ cancel: Bool) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(PlanForm.self)
        return try await orRender(req, current) {
            _ = try await ownerService(req, current, form.requestId).setCancelAtPeriodEnd(current.organization, cancel)
            return saved(req, cancel ? "cancelled" : "reactivated")
        }
    }

    /// The proration preview before confirming a plan change (GET `?plan=&interval=`).
    static func previewChange(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        return try await orRender(req, current) {
            let service = try await ownerService(req, current, nil)
            let choice = try service.choice(plan: req.query[String.self, at: "plan"], interval: req.query[String.self, at: "interval"])
            let (preview, date) = try await service.previewChange(current.organization, to: choice)
            let view = BillingPageView.Preview(
                planLabel: "\(PlanTable.plan(choice.plan).name), \(choice.interval == .month ? "monthly" : "yearly")",
                plan: choice.plan.rawValue, interval: choice.interval.rawValue,
                proration: BillingPageView.money(preview.prorationAmount, preview.currency),
                nextInvoice: BillingPageView.money(preview.amountDue, preview.currency), prorationDate: date)
            return try await render(req, current, preview: view)
        }
    }

    static func confirmChange(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let form = try req.content.decode(PlanForm.self)
        return try await orRender(req, current) {
            let service = try await ownerService(req, current, form.requestId)
            let choice = try service.choice(plan: form.plan, interval: form.interval)
            _ = try await service.confirmChange(current.organization, to: choice, prorationDate: form.prorationDate)
            return saved(req, "changed")
        }
    }

    /// Where Stripe sends the customer back after Checkout; the webhook applies the subscription.
    static func checkoutReturn(_ req: Request) async throws -> Response {
        _ = try req.requireUser()
        return saved(req, "checkout")
    }

    private static func saved(_ req: Request, _ notice: String) -> Response {
        req.redirect(to: SiteRoute.billing().path(QueryString([("saved", notice)])), redirectType: .normal)
    }

    private static func ownerService(_ req: Request, _ current: CurrentUser, _ requestID: String?) async throws -> BillingService {
        let service = req.billingService(requestID: requestID)
        _ = try service.stripe
        try await req.organizationService().requireOwner(current)
        return service
    }

    private static func orRender(_ req: Request, _ current: CurrentUser, _ action: () async throws -> Response) async throws -> Response {
        do { return try await action() } catch let error as APIError {
            return try await render(req, current, error: error.reason, status: error.status).carrying(error)
        }
    }

    private static func render(
        _ req: Request, _ current: CurrentUser, notice: String? = nil, error: String? = nil,
        preview: BillingPageView.Preview? = nil, status: HTTPStatus = .ok, backFromCheckout: Bool = false
    ) async throws -> Response {
        let billingStatus = try await BillingStatusQuery(req).load(current)
        let notice = backFromCheckout ? checkoutNotice(billingStatus) : notice
        let stripe = req.application.billing.isOn ? req.application.billing.settings.stripe : nil
        let script = stripe.flatMap { settings in settings.publishableKey.map { (url: settings.scriptURL, key: $0) } }
        if let stripe, let origin = ContentSecurityPolicyExtension.origin(of: stripe.scriptURL) {
            // Stripe's documented origins for embedded Checkout, plus the configured Stripe.js origin (a local
            // Stripe-compatible server in tests); form-action covers the redirects to hosted Checkout and the portal.
            let stripeFrames = ["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com", "https://checkout.stripe.com"]
            req.contentSecurityPolicyExtension = ContentSecurityPolicyExtension(
                scripts: [origin],
                frames: Array(Set([origin] + stripeFrames)).sorted(),
                connects: Array(Set([origin, "https://api.stripe.com", "https://checkout.stripe.com"])).sorted(),
                formActions: Array(Set([origin, "https://checkout.stripe.com", "https://billing.stripe.com"])).sorted())
        }
        let view = BillingPageView(
            status: billingStatus, defaultPlanName: PlanTable.plan(req.application.billing.settings.defaultPlan).name,
            csrf: req.csrfToken(req.accounts.cookies), requestID: req.application.random.token(bytes: 16),
            selected: (req.query[String.self, at: "plan"], req.query[String.self, at: "interval"]),
            notice: notice, error: error, preview: preview, script: script, pageScript: req.site.script("js/billing.js"))
        return try await AppShellBuilder.page(req, current, "Settings/billing", title: "Billing", active: .billing(), view, status: status)
    }
}
