import AsyncHTTPClient
import NIOCore

/// SMS through Twilio's `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`: HTTP Basic auth with the account
/// SID and auth token, form-encoded `To`, `From` or `MessagingServiceSid`, `Body`; 201 on success; errors carry a
/// numeric `code` (e.g. 400 with 21211 for an invalid `To`).
public struct TwilioSMSSender: SMSSender {
    private enum Sender: Sendable {
        case number(String)
        case messagingService(String)
    }

    private let transport: ProviderTransport
    private let endpoint: ProviderEndpoint
    private let accountSID: String
    private let authToken: String
    private let sender: Sender

    /// Sends from a Twilio number (E.164) or alphanumeric sender id.
    public init(
        httpClient: HTTPClient,
        baseURL: String = "https://api.twilio.com",
        accountSID: String,
        authToken: String,
        from: String,
        timeout: TimeAmount = .seconds(10)
    ) throws(DeliveryError) {
        try Validate.sender(from)
        try self.init(httpClient, baseURL, accountSID, authToken, .number(from), timeout)
    }

    /// Lets a Twilio Messaging Service pick the sending number.
    public init(
        httpClient: HTTPClient,
        baseURL: String = "https://api.twilio.com",
        accountSID: String,
        authToken: String,
        messagingServiceSID: String,
        timeout: TimeAmount = .seconds(10)
    ) throws(DeliveryError) {
        try Self.validateSID(messagingServiceSID, "messaging service SID")
        try self.init(httpClient, baseURL, accountSID, authToken, .messagingService(messagingServiceSID), timeout)
    }

    private init(
        _ httpClient: HTTPClient,
        _ baseURL: String,
        _ accountSID: String,
        _ authToken: String,
        _ sender: Sender,
        _ timeout: TimeAmount
    ) throws(DeliveryError) {
        try Self.validateSID(accountSID, "account SID")
        try Validate.credential(authToken, "auth token")
        self.endpoint = try ProviderEndpoint(baseURL)
        self.transport = ProviderTransport(httpClient: httpClient, timeout: timeout)
        self.accountSID = accountSID
        self.authToken = authToken
        self.sender = sender
    }

    public func send(_ message: SMSMessage) async throws(DeliveryError) {
        try Validate.e164(message.to)
        var request = HTTPClientRequest(url: endpoint.url("/2010-04-01/Accounts/\(accountSID)/Messages.json"))
        request.method = .POST
        request.setBasicAuth(username: accountSID, password: authToken)
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: ProviderCoding.userAgent)
        let senderField =
            switch sender {
            case .number(let number): ("From", number)
            case .messagingService(let sid): ("MessagingServiceSid", sid)
            }
        request.body = .bytes(ProviderCoding.form([("To", message.to), senderField, ("Body", message.body)]))

        let response = try await transport.exchange(request)
        guard response.status == 201 else {
            let failure = ProviderCoding.decode(Failure.self, from: response.body)
            throw Self.failure(status: response.status, code: failure?.code)
        }
    }

    /// SIDs go into the URL path and the Basic credentials, so only letters and digits are accepted.
    private static func validateSID(_ sid: String, _ what: String) throws(DeliveryError) {
        let alphanumeric = sid.utf8.allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
        guard !sid.isEmpty, alphanumeric else { throw .misconfigured("\(what) is missing or not alphanumeric") }
    }

    /// Twilio errors look like `{"code":21211,"message":"…","more_info":"…","status":400}`.
    private struct Failure: Decodable {
        let code: Int?
    }

    /// Twilio's codes for a sender or account we must fix, not the person's number: the `From` number or
    /// messaging service is not ours or cannot send SMS (21212, 21606, 21659, 21703), a trial account may only
    /// text verified numbers (21608), and too many requests (20429, retried).
    static let accountCodes: Set<Int> = [21212, 21606, 21608, 21659, 21703]

    static func failure(status: Int, code: Int?) -> DeliveryError {
        if let code, accountCodes.contains(code) { return .accountRefused(status: status, code: String(code)) }
        if code == 20429 { return .unavailable(status: status) }
        return ProviderErrorCode.failure(status: status, code: code.map(String.init))
    }
}
