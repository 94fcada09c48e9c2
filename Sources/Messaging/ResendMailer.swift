import AsyncHTTPClient
import NIOCore

/// Email through Resend's `POST /emails`: bearer API key, JSON body, 200 with `{"id"}` on success.
public struct ResendMailer: Mailer {
    private let transport: ProviderTransport
    private let endpoint: ProviderEndpoint
    private let apiKey: String
    private let from: String

    /// Throws `.misconfigured` for an empty or malformed key or sender, or a base URL that is not https
    /// (plain http is accepted for loopback only).
    public init(
        httpClient: HTTPClient,
        baseURL: String = "https://api.resend.com",
        apiKey: String,
        from: String,
        timeout: TimeAmount = .seconds(10)
    ) throws(DeliveryError) {
        try Validate.credential(apiKey, "API key")
        try Validate.sender(from)
        self.endpoint = try ProviderEndpoint(baseURL)
        self.transport = ProviderTransport(httpClient: httpClient, timeout: timeout)
        self.apiKey = apiKey
        self.from = from
    }

    public func send(_ message: EmailMessage) async throws(DeliveryError) {
        try Validate.emailRecipient(message.to)
        var request = HTTPClientRequest(url: endpoint.url("/emails"))
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: ProviderCoding.userAgent)
        if let key = message.idempotencyKey { request.headers.add(name: "Idempotency-Key", value: key) }
        request.body = .bytes(
            try ProviderCoding.json(
                Payload(from: from, to: [message.to], subject: message.subject, text: message.text, html: message.html)
            )
        )

        let response = try await transport.exchange(request)
        guard response.status == 200 else {
            let failure = ProviderCoding.decode(Failure.self, from: response.body)
            throw Self.failure(status: response.status, name: failure?.name)
        }
        // A 200 is Resend accepting the mail, even when its body is not the documented `{"id": …}` (cut short, say):
        // reporting a failure would send it again.
    }

    private struct Payload: Encodable {
        let from: String
        let to: [String]
        let subject: String
        let text: String
        let html: String?
    }

    /// Resend errors look like `{"statusCode":422,"name":"validation_error","message":"…"}`.
    private struct Failure: Decodable {
        let name: String?
    }

    /// Resend's error names that are about our side, not the recipient: a sender address it cannot use (the
    /// operator fixes `BMM_MAIL_FROM` or verifies the domain), and a request with the same idempotency key still
    /// being processed, which Resend says to try again later.
    static func failure(status: Int, name: String?) -> DeliveryError {
        switch name {
        case "invalid_from_address": .accountRefused(status: status, code: name)
        case "concurrent_idempotent_requests": .unavailable(status: status)
        default: ProviderErrorCode.failure(status: status, code: name)
        }
    }
}
