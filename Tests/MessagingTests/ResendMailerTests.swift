import AsyncHTTPClient
import Foundation
import Messaging
import NIOCore
import Testing

@Suite("Resend mailer")
struct ResendMailerTests {
    static let key = "re_SECRET_resend_key_123"
    static let message = EmailMessage(
        to: "ada@example.com",
        subject: "Your sign-in link",
        text: "Open https://bmm.test/login/LINKTOKEN to sign in.",
        html: "<p><a href=\"https://bmm.test/login/LINKTOKEN\">Sign in</a></p>"
    )
    static let secrets = [key, message.to, "LINKTOKEN"]

    static func mailer(_ server: ScriptedHTTPServer, _ client: HTTPClient, timeout: TimeAmount = .seconds(5))
        throws(DeliveryError)
        -> ResendMailer
    {
        try ResendMailer(
            httpClient: client,
            baseURL: server.baseURL,
            apiKey: key,
            from: "BuildMyMCPServer <login@bmm.test>",
            timeout: timeout
        )
    }

    @Test("sends POST /emails with bearer key, JSON content type, user agent and the documented fields")
    func documentedRequest() async throws {
        try await withProvider(replying: .respond(status: 200, body: #"{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}"#))
        {
            server,
            client in
            // given a Resend that accepts the mail
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then it succeeds and the provider saw exactly the documented request
            #expect(error == nil)
            let request = try #require(server.requests.first)
            #expect(server.requests.count == 1)
            #expect(request.method == .POST)
            #expect(request.uri == "/emails")
            #expect(request.header("Authorization") == "Bearer \(Self.key)")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.header("User-Agent") == "BuildMyMCPServer")
            let json = try #require(request.jsonObject)
            #expect(json["from"] as? String == "BuildMyMCPServer <login@bmm.test>")
            #expect(json["to"] as? [String] == ["ada@example.com"])
            #expect(json["subject"] as? String == Self.message.subject)
            #expect(json["text"] as? String == Self.message.text)
            #expect(json["html"] as? String == Self.message.html)
            #expect(Set(json.keys) == ["from", "to", "subject", "text", "html"])
        }
    }

    @Test("leaves html out when the message has none")
    func textOnly() async throws {
        try await withProvider(replying: .respond(status: 200, body: #"{"id":"x1"}"#)) { server, client in
            // given a text-only message
            let message = EmailMessage(to: "ada@example.com", subject: "Hi", text: "Plain")
            // when it is sent
            let error = await deliveryError { try await Self.mailer(server, client).send(message) }
            // then the JSON has no html key
            #expect(error == nil)
            let json = try #require(server.requests.first?.jsonObject)
            #expect(json["html"] == nil)
            #expect(json["text"] as? String == "Plain")
        }
    }

    @Test("a 4xx maps to rejected with Resend's error name, and the error is log-safe")
    func rejected() async throws {
        let body = #"{"statusCode":422,"name":"validation_error","message":"Invalid `to` field: ada@example.com"}"#
        try await withProvider(replying: .respond(status: 422, body: body)) { server, client in
            // given a Resend that refuses the mail
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then the status and code come through, nothing else
            #expect(error == .rejected(status: 422, code: "validation_error"))
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("refusals of our key, domain or sender are the operator's to fix; a request still in flight is retried", arguments: [
        (401, "missing_api_key", DeliveryError.accountRefused(status: 401, code: "missing_api_key")),
        (403, "invalid_api_key", .accountRefused(status: 403, code: "invalid_api_key")),
        (403, "validation_error", .accountRefused(status: 403, code: "validation_error")),
        (422, "invalid_from_address", .accountRefused(status: 422, code: "invalid_from_address")),
        (409, "concurrent_idempotent_requests", .unavailable(status: 409)),
    ])
    func oursToFix(status: Int, name: String, expected: DeliveryError) async throws {
        try await withProvider(replying: .respond(status: status, body: #"{"statusCode":\#(status),"name":"\#(name)","message":"x"}"#)) { server, client in
            let mailer = try Self.mailer(server, client)
            let error = await deliveryError { try await mailer.send(Self.message) }
            #expect(error == expected)
        }
    }

    @Test("a 5xx maps to unavailable with its status")
    func serverError() async throws {
        try await withProvider(replying: .respond(status: 503, body: "upstream down")) { server, client in
            // given a failing Resend
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then
            #expect(error == .unavailable(status: 503))
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("a 200 is a sent mail even without the documented id: reporting a failure would send it again")
    func okWithoutID() async throws {
        try await withProvider(replying: .respond(status: 200, body: "{}")) { server, client in
            // given a Resend answering 200 with no id
            let mailer = try Self.mailer(server, client)
            // when a message is sent
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then
            #expect(error == nil)
        }
    }

    @Test("a message's idempotency key goes as Idempotency-Key, so a retry after a lost answer is sent once")
    func idempotencyKey() async throws {
        try await withProvider(replying: .respond(status: 200, body: #"{"id":"49a3999c-0ce1-4ea6-ab68-afcd6dc2e794"}"#)) { server, client in
            let mailer = try Self.mailer(server, client)
            var keyed = Self.message
            keyed.idempotencyKey = "0b6c3e5e-7a51-4f7e-9d54-3f0a2e1c9b77"
            #expect(await deliveryError { try await mailer.send(keyed) } == nil)
            #expect(await deliveryError { try await mailer.send(Self.message) } == nil)
            #expect(server.requests.map { $0.header("Idempotency-Key") } == ["0b6c3e5e-7a51-4f7e-9d54-3f0a2e1c9b77", nil])
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
            // then it gives up quickly with no status
            #expect(error == .unavailable(status: nil))
            #expect(ContinuousClock.now - started < .seconds(9))  // below the 10 s default: the configured timeout ended it
            expectLogSafe(error, hiding: Self.secrets)
        }
    }

    @Test("a response that stalls after its head also times out")
    func stalledBody() async throws {
        try await withProvider(replying: .stallAfterHead(status: 200)) { server, client in
            // given a server that sends a status line and then nothing
            let mailer = try Self.mailer(server, client, timeout: .milliseconds(200))
            // when a message is sent
            let started = ContinuousClock.now
            let error = await deliveryError { try await mailer.send(Self.message) }
            // then the whole exchange is bounded, not just the head
            #expect(error == .unavailable(status: nil))
            #expect(ContinuousClock.now - started < .seconds(9))  // below the 10 s default: the configured timeout ended it
        }
    }

    @Test("a recipient list is refused before anything is sent")
    func recipientList() async throws {
        try await withProvider(replying: .respond(status: 200, body: #"{"id":"x"}"#)) { server, client in
            // given two addresses smuggled into one recipient
            let message = EmailMessage(to: "ada@example.com, eve@evil.test", subject: "s", text: "t")
            // when it is sent
            let error = await deliveryError { try await Self.mailer(server, client).send(message) }
            // then it is refused locally
            #expect(error == .misconfigured("recipient is not a single email address"))
            #expect(server.requests.isEmpty)
        }
    }
}
