import AsyncHTTPClient
import NIOCore

/// Email through Postmark's `POST /email`: server token header, JSON body, 200 with `"ErrorCode":0` on success;
/// errors carry a numeric `ErrorCode` (e.g. 422 with 300 for an invalid address).
public struct PostmarkMailer: Mailer {
    private let transport: ProviderTransport
    private let endpoint: ProviderEndpoint
    private let serverToken: String
    private let from: String

    /// Throws `.misconfigured` for an empty or malformed token or sender, or a base URL that is not https
    /// (plain http is accepted for loopback only).
    public init(
        httpClient: HTTPClient,
        baseURL: String = "https://api.postmarkapp.com",
        serverToken: String,
        from: String,
        timeout: TimeAmount = .seconds(10)
    ) throws(DeliveryError) {
        try Validate.credential(serverToken, "server token")
        try Validate.sender(from)
        self.endpoint = try ProviderEndpoint(baseURL)
        self.transport = ProviderTransport(httpClient: httpClient, timeout: timeout)
        self.serverToken = serverToken
        self.from = from
    }

    public func send(_ message: EmailMessage) async throws(DeliveryError) {
        try Validate.emailRecipient(message.to)
        var request = HTTPClientRequest(url: endpoint.url("/email"))
        request.method = .POST
        request.headers.add(name: "X-Postmark-Server-Token", value: serverToken)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: ProviderCoding.userAgent)
        request.body = .bytes(
            try ProviderCoding.json(
                Payload(
                    from: from,
                    to: message.to,
                    subject: message.subject,
                    textBody: message.text,
                    htmlBody: message.html,
                    messageStream: "outbound"
                )
            )
        )

        let response = try await transport.exchange(request)
        let result = ProviderCoding.decode(Result.self, from: response.body)
        guard response.status == 200 else {
            throw ProviderErrorCode.failure(status: response.status, code: result?.errorCode.map(String.init))
        }
        switch result?.errorCode {
        case 0?: return
        case let code?: throw .rejected(status: response.status, code: String(code))
        case nil: throw .unavailable(status: response.status)
        }
    }

    private struct Payload: Encodable {
        let from: String
        let to: String
        let subject: String
        let textBody: String
        let htmlBody: String?
        let messageStream: String

        enum CodingKeys: String, CodingKey {
            case from = "From"
            case to = "To"
            case subject = "Subject"
            case textBody = "TextBody"
            case htmlBody = "HtmlBody"
            case messageStream = "MessageStream"
        }
    }

    private struct Result: Decodable {
        let errorCode: Int?

        enum CodingKeys: String, CodingKey {
            case errorCode = "ErrorCode"
        }
    }
}
