import Billing
import Core
import Vapor

/// `/v1/billing/…`: the JSON API of the billing page and of scripts (session with CSRF, or a personal API token).
/// Members read the status; only owners change anything.
enum BillingAPIController {
    struct CheckoutBody: Content {
        var plan: String?
        var interval: String?
        /// `embedded` (default) or `hosted`.
        var ui: String?
        var requestId: String?
    }

    struct ChangeBody: Content {
        var plan: String?
        var interval: String?
        var prorationDate: Int?
        var requestId: String?
    }

    struct ActionBody: Content {
        var requestId: String?
    }

    struct SubscriptionAnswer: Content {
        let status: String
        let cancelAtPeriodEnd: Bool
        let currentPeriodEnd: Date?
        let message: String
    }

    struct PreviewAnswer: Content {
        let plan: String
        let interval: String
        /// The prorated amount (credit for unused time plus the new plan's remaining time), on the next invoice.
        let prorationAmount: Int
        /// What the next invoice will come to with the change.
        let nextInvoiceAmount: Int
        let currency: String
        /// Send this back with the confirmation so Stripe charges what this preview showed.
        let prorationDate: Int
    }

    static func status(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let status = try await BillingStatusQuery(req).load(current)
        return try req.json(status)
    }

    static func checkout(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try decode(CheckoutBody.self, req)
        let service = try await ownerService(req, current, requestID: body.requestId)
        let choice = try service.choice(plan: body.plan, interval: body.interval)
        guard body.ui == nil || ["embedded", "hosted"].contains(body.ui ?? "") else {
            throw APIError(.badRequest, "invalid_ui", "ui is embedded or hosted.")
        }
        switch try await service.checkout(current.organization, email: current.user.email, choice: choice, hosted: body.ui == "hosted") {
        case .clientSecret(let secret): return try req.json(["clientSecret": secret])
        case .url(let url): return try req.json(["url": url])
        }
    }

    static func portal(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try decode(ActionBody.self, req)
        let url = try await ownerService(req, current, requestID: body.requestId).portal(current.organization)
        return try req.json(["url": url])
    }

    static func cancel(_ req: Request) async throws -> Response { try await setCancel(req, true) }
    static func reactivate(_ req: Request) async throws -> Response { try await setCancel(req, false) }

    private static func setCancel(_ req: Request, _ cancel: Bool) async throws -> Response {
        let current = try req.requireUser()
        let body = try decode(ActionBody.self, req)
        let subscription = try await ownerService(req, current, requestID: body.requestId).setCancelAtPeriodEnd(current.organization, cancel)
        return try req.json(SubscriptionAnswer(
            status: subscription.status, cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
            currentPeriodEnd: subscription.currentPeriodEnd.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            message: cancel ? "The subscription ends at the end of the paid period." : "The subscription continues."))
    }

    static func preview(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try decode(ChangeBody.self, req)
        let service = try await ownerService(req, current, requestID: body.requestId)
        let choice = try service.choice(plan: body.plan, interval: body.interval)
        let (preview, date) = try await service.previewChange(current.organization, to: choice)
        return try req.json(PreviewAnswer(
            plan: choice.plan.rawValue, interval: choice.interval.rawValue, prorationAmount: preview.prorationAmount,
            nextInvoiceAmount: preview.amountDue, currency: preview.currency, prorationDate: date))
    }

    static func changePlan(_ req: Request) async throws -> Response {
        let current = try req.requireUser()
        let body = try decode(ChangeBody.self, req)
        let service = try await ownerService(req, current, requestID: body.requestId)
        let choice = try service.choice(plan: body.plan, interval: body.interval)
        let subscription = try await service.confirmChange(current.organization, to: choice, prorationDate: body.prorationDate)
        return try req.json(SubscriptionAnswer(
            status: subscription.status, cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
            currentPeriodEnd: subscription.currentPeriodEnd.map { Date(timeIntervalSince1970: TimeInterval($0)) },
            message: "Stripe accepted the change; the workspace's limits follow as soon as Stripe confirms it."))
    }

    /// Billing off is answered before the role check, so members and owners alike learn why.
    private static func ownerService(_ req: Request, _ current: CurrentUser, requestID: String?) async throws -> BillingService {
        let service = req.billingService(requestID: requestID)
        _ = try service.stripe
        try await req.organizationService().requireOwner(current)
        return service
    }

    /// No body is an empty object; a body in another format is 415, as on every other route; JSON that is
    /// not an object of these fields is `invalid_body`.
    private static func decode<T: Content>(_ type: T.Type, _ req: Request) throws -> T {
        guard req.body.data != nil else { return try JSONDecoder().decode(T.self, from: Data("{}".utf8)) }
        do { return try req.content.decode(T.self) } catch let abort as any AbortError where abort.status == .unsupportedMediaType {
            throw abort
        } catch {
            throw APIError(.badRequest, "invalid_body", "Send a JSON object.")
        }
    }
}
