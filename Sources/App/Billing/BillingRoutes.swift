import Vapor

/// Billing's API (`/v1/billing/…`); the webhook registers separately (it has no session).
struct BillingRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.grouped(accounts).grouped(SignInRequired.unauthorized)
        api.get(.api(.billingStatus), use: BillingAPIController.status)
        api.post(.api(.billingCheckoutSession), use: BillingAPIController.checkout)
        api.post(.api(.billingPortal), use: BillingAPIController.portal)
        api.post(.api(.billingCancel), use: BillingAPIController.cancel)
        api.post(.api(.billingReactivate), use: BillingAPIController.reactivate)
        api.post(.api(.billingChangePlanPreview), use: BillingAPIController.preview)
        api.post(.api(.billingChangePlan), use: BillingAPIController.changePlan)
    }
}
