import AsyncHTTPClient
import Billing
import Vapor

/// What billing needs at run time: the settings, and the Stripe client when billing is on. Tests replace
/// `stripe` with a client pointed at a local Stripe-compatible server; with billing off it stays `nil` and no
/// code path can reach Stripe.
struct BillingEnvironment: Sendable {
    let settings: BillingSettings
    var stripe: (any StripeAPI)?

    var isOn: Bool { settings.isOn && stripe != nil }

    private struct ClientKey: StorageKey {
        typealias Value = HTTPClient
    }

    /// Stripe's client on its own HTTP client: no redirects (the bearer key must not follow one), a short connect
    /// timeout so an unreachable Stripe fails the page fast, and the client's own 20 s deadline per call.
    static func make(_ settings: BillingSettings, app: Application) throws -> BillingEnvironment {
        guard let stripe = settings.stripe else { return BillingEnvironment(settings: settings, stripe: nil) }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(3), read: .seconds(20))
        let http = HTTPClient(eventLoopGroupProvider: .shared(app.eventLoopGroup), configuration: configuration)
        app.storage.set(ClientKey.self, to: http, onShutdown: { $0.shutdownWithoutWaiting() })
        do {
            let client = try StripeClient(httpClient: http, secretKey: stripe.secretKey, baseURL: stripe.apiBase)
            return BillingEnvironment(settings: settings, stripe: client)
        } catch {
            throw ConfigError(problems: ["Stripe is misconfigured: \(error)"])
        }
    }
}

extension Application {
    private struct BillingKey: StorageKey {
        typealias Value = BillingEnvironment
    }

    var billing: BillingEnvironment {
        get { configured(BillingKey.self) }
        set { storage[BillingKey.self] = newValue }
    }
}
