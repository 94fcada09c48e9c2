import AsyncHTTPClient
import Foundation
import Messaging
import NIOCore
import Testing

@Suite("Twilio SMS sender")
struct TwilioSMSSenderTests {
    static let accountSID = "AC0123456789abcdef0123456789abcdef"
    static let authToken = "SECRETtwilioAuthToken789"
    static let message = SMSMessage(
        to: "+41791234567",
        body: "Your BuildMyMCPServer code: 493817 (valid 10 min) & ok=yes"
    )
    static let secrets = [authToken, message.to, "493817"]
    static let queued = #"{"sid":"SM0123456789abcdef0123456789abcdef","status":"queued"}"#
    static let path = "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json"

    static func sender(_ server: ScriptedHTTPServer, _ client: HTTPClient, timeout: TimeAmount = .seconds(5))
        throws(DeliveryError)
        -> TwilioSMSSender
    {
        try TwilioSMSSender(
            httpClient: client,
            baseURL: server.baseURL,
            accountSID: accountSID,
            authToken: authToken,
            from: "+15005550006",
            timeout: timeout
        )
    }

    @Test("sends POST …/Accounts/{sid}/Messages.json with Basic auth and percent-encoded form fields")
    func documentedRequest() async throws {
        try await withProvider(replying: .respond(status: 201, body: Self.queued)) { server, client in
            // given a Twilio that queues the message
            let sender = try Self.sender(server, client)
            // when a message is sent
            let error = await deliveryError { try await sender.send(Self.message) }
            // then it succeeds and the request is the documented one
            #expect(error == nil)
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == .POST)
            #expect(request.uri == Self.path)
            let credentials = try #require(request.basicCredentials)
            #expect(credentials.user == Self.accountSID)
            #expect(credentials.password == Self.authToken)
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            #expect(request.bodyText.contains("To=%2B41791234567"))
            #expect(request.bodyText.contains("From=%2B15005550006"))
            #expect(!request.bodyText.contains("+"))
            #expect(request.formFields == ["To": "+41791234567", "From": "+15005550006", "Body": Self.message.body])
        }
    }

    @Test("with a messaging service, sends MessagingServiceSid instead of From")
    func messagingService() async throws {
        try await withProvider(replying: .respond(status: 201, body: Self.queued)) { server, client in
            // given a sender configured with a messaging service
            let sender = try TwilioSMSSender(
                httpClient: client,
                baseURL: server.baseURL,
                accountSID: Self.accountSID,
                authToken: Self.authToken,
                messagingServiceSID: "MG0123456789abcdef0123456789abcdef"
            )
            // when a message is sent
            let error = await deliveryError { try await sender.send(Self.message) }
            // then
            #expect(error == nil)
            let fields = try #require(server.requests.first).formFields
            #expect(fields["MessagingServiceSid"] == "MG0123456789abcdef0123456789abcdef")
            #expect(fields["From"] == nil)
            #expect(fields["To"] == "+41791234567")
        }
    }

    @Test("Twilio's error code maps to rejected, and the error is log-safe")
    func rejected() async throws {
        let body = """
            {"code":21211,"message":"The 'To' number +41791234567 is not a valid phone number.",\
            "more_info":"https://www.twilio.com/docs/errors/21211","status":400}
            """
        try await withProvider(replying: .respond(status: 400, body: body)) { server, client in
            // given a Twilio that refuses the number
            let sender = try Self.sender(server, client)
            // when a message is sent
            let error = await deliveryError { try await sender.send(Self.message) }
            // then
            #expect(error == .rejected(status: 400, code: "21211"))
            expectLogSafe(error, hiding: Self.secrets + [Self.message.body])
        }
    }

    @Test("refusals of our credentials or sender number are the operator's to fix, not the person's number", arguments: [
        (401, 20003), (400, 21606), (400, 21659), (400, 21608),
    ])
    func oursToFix(status: Int, code: Int) async throws {
        try await withProvider(replying: .respond(status: status, body: #"{"code":\#(code),"message":"x","status":\#(status)}"#)) { server, client in
            let sender = try Self.sender(server, client)
            let error = await deliveryError { try await sender.send(Self.message) }
            #expect(error == .accountRefused(status: status, code: String(code)))
        }
    }

    @Test("a 429 (Twilio 20429: too many requests) is the provider throttling, not a refusal of the message")
    func throttled() async throws {
        let body = #"{"code":20429,"message":"Too Many Requests","more_info":"https://www.twilio.com/docs/errors/20429","status":429}"#
        try await withProvider(replying: .respond(status: 429, body: body)) { server, client in
            let error = await deliveryError { try await Self.sender(server, client).send(Self.message) }
            #expect(error == .unavailable(status: 429))
        }
    }

    @Test("a 5xx maps to unavailable with its status")
    func serverError() async throws {
        try await withProvider(replying: .respond(status: 503, body: "{}")) { server, client in
            // given a failing Twilio
            let sender = try Self.sender(server, client)
            // when a message is sent
            let error = await deliveryError { try await sender.send(Self.message) }
            // then
            #expect(error == .unavailable(status: 503))
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("a 200 is not Twilio's documented 201 and is not taken as sent")
    func unexpectedSuccess() async throws {
        try await withProvider(replying: .respond(status: 200, body: Self.queued)) { server, client in
            // given a Twilio answering 200 instead of 201
            let sender = try Self.sender(server, client)
            // when a message is sent
            let error = await deliveryError { try await sender.send(Self.message) }
            // then it is not reported as sent
            #expect(error == .unavailable(status: 200))
        }
    }

    @Test("a server that never answers times out as unavailable")
    func timeout() async throws {
        try await withProvider(replying: .hang) { server, client in
            // given a silent server and a 200 ms timeout
            let sender = try Self.sender(server, client, timeout: .milliseconds(200))
            // when a message is sent
            let started = ContinuousClock.now
            let error = await deliveryError { try await sender.send(Self.message) }
            // then
            #expect(error == .unavailable(status: nil))
            #expect(ContinuousClock.now - started < .seconds(9))  // below the 10 s default: the configured timeout ended it
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test(
        "a number that is not E.164 never reaches Twilio",
        arguments: ["0791234567", "+0791234567", "+41 79 123", "+1"]
    )
    func notE164(number: String) async throws {
        try await withProvider(replying: .respond(status: 201, body: Self.queued)) { server, client in
            // given a malformed number
            let message = SMSMessage(to: number, body: "code")
            // when it is sent
            let error = await deliveryError { try await Self.sender(server, client).send(message) }
            // then
            #expect(error == .misconfigured("recipient is not an E.164 phone number"))
            #expect(server.requests.isEmpty)
        }
    }
}
