@testable import App
import Core
import Foundation
import Testing

@Suite("Billing configuration: off without a Stripe key, Stripe's settings checked at start-up")
struct BillingConfigurationTests {
    static let production = [
        "BMM_ENV": "production",
        "BMM_PUBLIC_URL": "https://mcp.example.com",
        "BMM_SESSION_SECRET": String(repeating: "ab", count: 32),
        "BMM_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
    ]
    static let stripe = [
        "STRIPE_SECRET_KEY": "sk_test_51BmmFakeSecretKey0123456789abcdefABCDEF",
        "STRIPE_WEBHOOK_SECRET": "whsec_BmmFakeWebhookSecret",
        "STRIPE_PRICE_PRO_MONTHLY": "price_ProMonth01", "STRIPE_PRICE_PRO_YEARLY": "price_ProYear01",
        "STRIPE_PRICE_TEAM_MONTHLY": "price_TeamMonth01", "STRIPE_PRICE_TEAM_YEARLY": "price_TeamYear01",
    ]

    static func load(_ environment: [String: String]) throws -> AppConfig {
        var full = environment
        full["BMM_DATA_DIR"] = try makeTemporaryDirectory()
        return try AppConfig.load(environment: full, rootDirectory: packageRoot)
    }

    static func problems(_ environment: [String: String]) throws -> String? {
        do {
            _ = try load(environment)
            return nil
        } catch let error as ConfigError {
            return error.description
        }
    }

    @Test("without STRIPE_SECRET_KEY billing is off and every workspace is on Team, or on BMM_DEFAULT_PLAN")
    func off() throws {
        let standard = try Self.load([:]).billing
        #expect(!standard.isOn)
        #expect(standard.stripe == nil)
        #expect(standard.defaultPlan == .team)
        #expect(try Self.load(["BMM_DEFAULT_PLAN": "Pro"]).billing.defaultPlan == .pro)
        let refused = try #require(try Self.problems(["BMM_DEFAULT_PLAN": "free"]))
        #expect(refused.contains("BMM_DEFAULT_PLAN must be one of hobby, pro, team, enterprise, not `free`"))
        // Stripe's other settings without the key (its name mistyped, say) stop start-up rather than leave billing off unsaid.
        var withoutKey = Self.stripe
        withoutKey["STRIPE_SECRET_KEY"] = nil
        let companions = try #require(try Self.problems(withoutKey))
        #expect(companions.contains("but STRIPE_SECRET_KEY is not: set it to turn billing on, or remove them"), "\(companions)")
        #expect(!(try Self.load(["STRIPE_API_BASE": "http://127.0.0.1:12111"]).billing.isOn))
    }

    @Test("with a Stripe key billing is on: prices, the API base without a trailing slash, Stripe.js from Stripe by default")
    func on() throws {
        // when
        var environment = Self.stripe
        environment["STRIPE_API_BASE"] = "http://127.0.0.1:12111/"
        let stripe = try #require(try Self.load(environment).billing.stripe)
        // then
        #expect(stripe.apiBase == "http://127.0.0.1:12111")
        #expect(stripe.scriptURL == "https://js.stripe.com/endive/stripe.js")
        #expect(stripe.publishableKey == nil)
        #expect(stripe.prices.priceID(.pro, .year) == "price_ProYear01")
        #expect(try #require(try Self.load(Self.stripe).billing.stripe).apiBase == "https://api.stripe.com")
    }

    @Test("a product id where a price belongs stops start-up with a message naming the variable")
    func productID() throws {
        var environment = Self.stripe
        environment["STRIPE_PRICE_PRO_MONTHLY"] = "prod_ProProduct"
        let refused = try #require(try Self.problems(environment))
        #expect(refused.contains("STRIPE_PRICE_PRO_MONTHLY is a product id (`prod_…`)"))
    }

    @Test("production with billing on refuses to start without the webhook secret and every price, and names each")
    func productionNeedsWebhookAndPrices() throws {
        // given: production, a Stripe key and nothing else of Stripe's
        let bare = Self.production.merging(["STRIPE_SECRET_KEY": Self.stripe["STRIPE_SECRET_KEY"]!]) { $1 }
        // when
        let refused = try #require(try Self.problems(bare))
        // then
        #expect(refused.contains("STRIPE_WEBHOOK_SECRET is required in production"))
        for name in StripePriceTable.requiredKeys.map(\.settingName) {
            #expect(refused.contains("\(name) is required in production"), "\(name)")
        }
        // and with them it starts; billing off needs none of them
        #expect(try Self.load(Self.production.merging(Self.stripe) { $1 }).billing.isOn)
        #expect(!(try Self.load(Self.production).billing.isOn))
    }

    @Test("Stripe settings of the wrong kind get clear errors", arguments: [
        ("STRIPE_SECRET_KEY", "pk_test_51BmmFakePublishable", "STRIPE_SECRET_KEY must be a Stripe secret key"),
        ("STRIPE_WEBHOOK_SECRET", "sk_test_51BmmFakeSecretKey", "STRIPE_WEBHOOK_SECRET must be the endpoint's signing secret"),
        ("STRIPE_PUBLISHABLE_KEY", "sk_test_51BmmFakeSecretKey", "STRIPE_PUBLISHABLE_KEY must be a publishable key"),
        ("STRIPE_PUBLISHABLE_KEY", "pk_live_51BmmFakePublishable", "STRIPE_SECRET_KEY is a test key and STRIPE_PUBLISHABLE_KEY a live one"),
        ("STRIPE_API_BASE", "http://stripe.example.com", "STRIPE_API_BASE must be an https URL"),
        ("STRIPE_JS_URL", "http://js.example.com/stripe.js", "STRIPE_JS_URL must be an https URL"),
    ])
    func wrongKinds(name: String, value: String, problem: String) throws {
        var environment = Self.stripe
        environment[name] = value
        let refused = try #require(try Self.problems(environment))
        #expect(refused.contains(problem), "\(refused)")
        if !name.hasSuffix("_URL") && !name.hasSuffix("_BASE") {
            #expect(!refused.contains(value), "a key is never repeated in the message")
        }
    }
}
