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
            if let code = result?.errorCode { throw Self.failure(status: response.status, code: code, message: result?.message) }
            throw ProviderErrorCode.failure(status: response.status, code: nil)
        }
        // A 200 is Postmark accepting the mail even when its body cannot be read: reporting a failure would send it
        // again, and Postmark has no idempotency key to make that safe.
        if let code = result?.errorCode, code != 0 { throw Self.failure(status: response.status, code: code, message: result?.message) }
    }

    /// Postmark's codes for refusals of our account rather than of the message (bad token, sender signature missing
    /// or unconfirmed, sending not allowed or out of credit, account pending or refused): the operator can fix them.
    static let accountCodes: Set<Int> = [10, 400, 401, 405, 412, 413]

    /// `message` is read only to tell the one code Postmark uses for both apart: 300 ("Invalid email request") is
    /// the person's address when it names `To`, and our sender when it names `From` or a sender signature.
    static func failure(status: Int, code: Int, message: String? = nil) -> DeliveryError {
        if accountCodes.contains(code) { return .accountRefused(status: status, code: String(code)) }
        if code == 300, let message, message.contains("'From'") || message.localizedCaseInsensitiveContains("sender signature") {
            return .accountRefused(status: status, code: String(code))
        }
        // A 200 naming an error (406: the recipient is inactive) is a refusal of this message.
        if status == 200 { return .rejected(status: status, code: String(code)) }
        return ProviderErrorCode.failure(status: status, code: String(code))
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
        /// Only classified (`failure`), never logged: it may quote an address.
        let message: String?

        enum CodingKeys: String, CodingKey {
            case errorCode = "ErrorCode"
            case message = "Message"
        }
    }
}
