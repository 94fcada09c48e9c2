import Core

/// Which Checkout page the customer sees.
public enum CheckoutUI: Equatable, Sendable {
    /// Stripe.js mounts the form in our page (`ui_mode=embedded_page`); Stripe sends the customer to `returnURL`
    /// afterwards (`{CHECKOUT_SESSION_ID}` in it is replaced). The session answers with a `client_secret`.
    case embeddedPage(returnURL: String)
    /// A redirect to Stripe's page (`ui_mode=hosted_page`), the path without JavaScript. The session answers with a
    /// `url`.
    case hostedPage(successURL: String, cancelURL: String)
}

/// A subscription Checkout Session for one workspace and plan.
public struct CheckoutSessionRequest: Equatable, Sendable {
    public var workspaceID: String
    public var customerID: String
    public var plan: PlanID
    public var interval: BillingInterval
    /// The Stripe price (`price_…`) configured for `plan` and `interval`.
    public var priceID: String
    public var ui: CheckoutUI

    public init(
        workspaceID: String,
        customerID: String,
        plan: PlanID,
        interval: BillingInterval,
        priceID: String,
        ui: CheckoutUI
    ) {
        self.workspaceID = workspaceID
        self.customerID = customerID
        self.plan = plan
        self.interval = interval
        self.priceID = priceID
        self.ui = ui
    }

    /// The documented parameters, in the order they are sent.
    var parameters: [(String, FormValue)] {
        var fields: [(String, FormValue)] = [
            ("mode", "subscription"),
            ("customer", .string(customerID)),
            ("client_reference_id", .string(workspaceID)),
            ("line_items", [["price": .string(priceID), "quantity": 1]]),
            ("automatic_tax", ["enabled": true]),
            ("tax_id_collection", ["enabled": true]),
            ("billing_address_collection", "required"),
            // Stripe stores the address it collects and the tax ids on the Customer, so renewals are taxed alike.
            ("customer_update", ["address": "auto", "name": "auto"]),
            ("allowed_payment_method_types", ["card", "sepa_debit"]),
            (
                "metadata",
                ["workspace": .string(workspaceID), "plan": .string(plan.rawValue), "interval": .string(interval.rawValue)]
            ),
            (
                "subscription_data",
                ["metadata": ["workspace": .string(workspaceID), "plan": .string(plan.rawValue)]]
            ),
        ]
        switch ui {
        case .embeddedPage(let returnURL):
            fields += [("ui_mode", "embedded_page"), ("return_url", .string(returnURL))]
        case .hostedPage(let successURL, let cancelURL):
            fields += [("ui_mode", "hosted_page"), ("success_url", .string(successURL)), ("cancel_url", .string(cancelURL))]
        }
        return fields
    }

    var uiName: String {
        switch ui {
        case .embeddedPage: "embedded_page"
        case .hostedPage: "hosted_page"
        }
    }
}

/// A plan change on an existing subscription: its single item moves to another price, prorated.
public struct PriceChange: Equatable, Sendable {
    public var customerID: String
    public var subscriptionID: String
    /// The subscription item (`si_…`) whose price changes.
    public var itemID: String
    public var priceID: String
    /// The moment the proration is computed for. Pass the same value to the preview and the update so the customer
    /// is charged what the preview showed.
    public var prorationDate: Int?

    public init(customerID: String, subscriptionID: String, itemID: String, priceID: String, prorationDate: Int? = nil) {
        self.customerID = customerID
        self.subscriptionID = subscriptionID
        self.itemID = itemID
        self.priceID = priceID
        self.prorationDate = prorationDate
    }
}
