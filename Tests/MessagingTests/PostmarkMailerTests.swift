import AsyncHTTPClient
import Foundation
import Messaging
import NIOCore
import Testing

@Suite("Postmark mailer")
struct PostmarkMailerTests {
    static let token = "pm-SECRET-server-token-456"
    static let message = EmailMessage(
        to: "ada@example.com",
        subject: "Your sign-in link",
        text: "Open https://bmm.test/login/LINKTOKEN to sign in.",
        html: "<p><a href=\"https://bmm.test/login/LINKTOKEN\">Sign in</a></p>"
    )
    static let secrets = [token, message.to, "LINKTOKEN"]
    static let accepted = """
        {"To":"ada@example.com","SubmittedAt":"2026-11-25T13:00:00.000Z",\
        "MessageID":"b7bc2f4a-e38e-4336-af7d-e6c392c2f817","ErrorCode":0,"Message":"OK"}
        """

    static func mailer(_ server: ScriptedHTTPServer, _ client: HTTPClient, timeout: TimeAmount = .seconds(5))
        throws(DeliveryError)
        -> PostmarkMailer
    {
        try PostmarkMailer(
            httpClient: client,
            baseURL: server.baseURL,
            serverToken: token,
            from: "login@bmm.test",
            timeout: timeout
        )
    }

    @Test("sends POST /email with the server token header and the documented JSON fields")
    func documentedRequest() async throws {
        try await withProvider(replying: .respond(status: 200, body: Self.accepted)) { server, client in
            // given a Postmark that accepts the mail
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then it succeeds and the request is the documented one
            #expect(error == nil)
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == .POST)
            #expect(request.uri == "/email")
            #expect(request.header("X-Postmark-Server-Token") == Self.token)
            #expect(request.header("Accept") == "application/json")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("Authorization") == nil)
            let json = try #require(request.jsonObject)
            #expect(json["From"] as? String == "login@bmm.test")
            #expect(json["To"] as? String == "ada@example.com")
            #expect(json["Subject"] as? String == Self.message.subject)
            #expect(json["TextBody"] as? String == Self.message.text)
            #expect(json["HtmlBody"] as? String == Self.message.html)
            #expect(json["MessageStream"] as? String == "outbound")
            #expect(Set(json.keys) == ["From", "To", "Subject", "TextBody", "HtmlBody", "MessageStream"])
        }
    }

    @Test("leaves HtmlBody out when the message has none")
    func textOnly() async throws {
        try await withProvider(replying: .respond(status: 200, body: Self.accepted)) { server, client in
            // given a text-only message
            let message = EmailMessage(to: "ada@example.com", subject: "Hi", text: "Plain")
            // when it is sent
            let error = await deliveryError { try await Self.mailer(server, client).send(message) }
            // then
            #expect(error == nil)
            let json = try #require(server.requests.first?.jsonObject)
            #expect(json["HtmlBody"] == nil)
        }
    }

    @Test("a 422 maps to rejected with Postmark's ErrorCode, and the error is log-safe")
    func rejected() async throws {
        let body = #"{"ErrorCode":300,"Message":"Invalid 'To' address: 'ada@example.com'."}"#
        try await withProvider(replying: .respond(status: 422, body: body)) { server, client in
            // given a Postmark that refuses the address
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then
            #expect(error == .rejected(status: 422, code: "300"))
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("a bad token (401 with ErrorCode 10) is a refusal of the account, to retry once fixed, and does not echo the token")
    func badToken() async throws {
        let body = #"{"ErrorCode":10,"Message":"Request does not contain a valid Server token."}"#
        try await withProvider(replying: .respond(status: 401, body: body)) { server, client in
            // given a Postmark that does not know the token
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then
            #expect(error == .accountRefused(status: 401, code: "10"))
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("refusals of the account (out of credit, sender unconfirmed, account pending) are the operator's to fix",
          arguments: [405, 400, 401, 412, 413])
    func accountRefusals(code: Int) async throws {
        try await withProvider(replying: .respond(status: 422, body: #"{"ErrorCode":\#(code),"Message":"Not allowed"}"#)) { server, client in
            let mailer = try Self.mailer(server, client)
            let error = await deliveryError { try await mailer.send(Self.message) }
            #expect(error == .accountRefused(status: 422, code: String(code)))
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("code 300 about our sender is the operator's to fix; code 300 about the recipient refuses the message", arguments: [
        (#"Invalid 'From' address: 'login@example.test' is not a verified sender signature."#, true),
        (#"Invalid 'To' address: 'nobody@'."#, false),
    ])
    func invalidRequestSplitsOnWhatItNames(message: String, isOurs: Bool) async throws {
        let body = try String(decoding: JSONSerialization.data(withJSONObject: ["ErrorCode": 300, "Message": message]), as: UTF8.self)
        try await withProvider(replying: .respond(status: 422, body: body)) { server, client in
            let mailer = try Self.mailer(server, client)
            let error = await deliveryError { try await mailer.send(Self.message) }
            #expect(error == (isOurs ? .accountRefused(status: 422, code: "300") : .rejected(status: 422, code: "300")))
            #expect(!(error?.description.contains("@") ?? true), "the message quoting an address is not repeated")
        }
    }

    @Test("a 200 whose body cannot be read is a sent mail: Postmark accepted it, and sending again would send it twice")
    func okUnreadable() async throws {
        try await withProvider(replying: .respond(status: 200, body: "<html>cut sh")) { server, client in
            let mailer = try Self.mailer(server, client)
            let error = await deliveryError { try await mailer.send(Self.message) }
            #expect(error == nil)
            #expect(server.requests.count == 1)
        }
    }

    @Test("a 5xx maps to unavailable with its status")
    func serverError() async throws {
        try await withProvider(replying: .respond(status: 500, body: "{}")) { server, client in
            // given a failing Postmark
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then
            #expect(error == .unavailable(status: 500))
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("a 200 with a non-zero ErrorCode is rejected")
    func okWithErrorCode() async throws {
        try await withProvider(replying: .respond(status: 200, body: #"{"ErrorCode":406,"Message":"Inactive"}"#)) {
            server,
            client in
            // given a Postmark answering 200 but reporting an error
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then
            #expect(error == .rejected(status: 200, code: "406"))
        }
    }

    @Test("a server that never answers times out as unavailable")
    func timeout() async throws {
        try await withProvider(replying: .hang) { server, client in
            // given a silent server and a 200 ms timeout
            let mailer = try Self.mailer(server, client, timeout: .milliseconds(200))
            // when a message is sent
            let started = ContinuousClock.now
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then
            #expect(error == .unavailable(status: nil))
            #expect(ContinuousClock.now - started < .seconds(9))  // below the 10 s default: the configured timeout ended it
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("a comma-separated recipient never reaches Postmark, which would send to each address")
    func recipientList() async throws {
        try await withProvider(replying: .respond(status: 200, body: Self.accepted)) { server, client in
            // given two addresses in one recipient
            let message = EmailMessage(to: "ada@example.com,eve@evil.test", subject: "s", text: "t")
            // when it is sent
            let error = await deliveryError { try await Self.mailer(server, client).send(message) }
            // then
            #expect(error == .misconfigured("recipient is not a single email address"))
            #expect(server.requests.isEmpty)
        }
    }
}
