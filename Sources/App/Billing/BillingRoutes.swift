import Vapor

/// The billing page and its forms (`/settings/billing/…`) and billing's API (`/v1/billing/…`); the webhook
/// registers separately (it has no session).
struct BillingRoutes: RouteCollection {
    let accounts: [any Middleware]

    func boot(routes: any RoutesBuilder) throws {
        // The overview sends a signed-out visitor to sign in itself, keeping the chosen plan for afterwards.
        routes.grouped(accounts).get(.billing(.overview), use: BillingPageController.page)
        let pages = routes.grouped(accounts).grouped(SignInRequired.redirect(returningTo: .billing()))
        pages.get(.billing(.changePlan), use: BillingPageController.previewChange)
        pages.get(.billing(.checkoutReturn), use: BillingPageController.checkoutReturn)
        let forms = routes.grouped(accounts).grouped(SignInRequired.unauthorized)
        forms.post(.billing(.checkout), use: BillingPageController.checkout)
        forms.post(.billing(.portal), use: BillingPageController.portal)
        forms.post(.billing(.cancel), use: BillingPageController.cancel)
        forms.post(.billing(.reactivate), use: BillingPageController.reactivate)
        forms.post(.billing(.changePlan), use: BillingPageController.confirmChange)

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
