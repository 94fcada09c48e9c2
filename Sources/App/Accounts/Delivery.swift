import AsyncHTTPClient
import Messaging
import Vapor

/// Picks the mail and SMS delivery named by the configuration.
enum Delivery {
    private struct ClientKey: StorageKey {
        typealias Value = HTTPClient
    }

    /// The HTTP client for mail and SMS providers. It never follows redirects: a
    /// redirect would carry the provider's credential header to another host.
    static func providerClient(_ app: Application) -> HTTPClient {
        if let client = app.storage[ClientKey.self] { return client }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        let client = HTTPClient(eventLoopGroupProvider: .shared(app.eventLoopGroup), configuration: configuration)
        app.storage.set(ClientKey.self, to: client, onShutdown: { $0.shutdownWithoutWaiting() })
        return client
    }

    static func mailer(_ settings: MailSettings, app: Application) throws -> any Mailer {
        switch settings {
        case .outbox:
            return OutboxMailer(database: { app.db }, clock: app.clock)
        case .resend(let apiKey, let from, let baseURL):
            return try ResendMailer(httpClient: providerClient(app), baseURL: baseURL, apiKey: apiKey, from: from)
        case .postmark(let serverToken, let from, let baseURL):
            return try PostmarkMailer(httpClient: providerClient(app), baseURL: baseURL, serverToken: serverToken, from: from)
        }
    }

    static func smsSender(_ settings: SMSSettings, app: Application) throws -> any SMSSender {
        switch settings {
        case .outbox:
            return OutboxSMSSender(database: { app.db }, clock: app.clock)
        case .twilio(let accountSID, let authToken, let from, let messagingServiceSID, let baseURL):
            if let from {
                return try TwilioSMSSender(httpClient: providerClient(app), baseURL: baseURL, accountSID: accountSID, authToken: authToken, from: from)
            }
            return try TwilioSMSSender(httpClient: providerClient(app), baseURL: baseURL, accountSID: accountSID,
                                       authToken: authToken, messagingServiceSID: messagingServiceSID ?? "")
        }
    }
}
