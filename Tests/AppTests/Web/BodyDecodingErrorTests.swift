@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Bodies that cannot be decoded: 400 with a message about the field, not the decoder")
struct BodyDecodingErrorTests {
    @Test("an empty body is 400 bad_request (not Vapor's bare 422); a wrong shape names the field and what it must be",
          arguments: [
              ("", "The request has no body. Send a JSON object with Content-Type: application/json."),
              ("{bad", "The body is not valid JSON."),
              ("[]", "The body must be an object."),
              (#"{"name":5}"#, "`name` must be a string."),
              (#"{"expiresInDays":3}"#, "`name` is required."),
              (#"{"name":null}"#, "`name` must be a string, not null."),
              (#"{"name":"x","expiresInDays":3.7}"#, "A value in the body is not of the kind its field takes (a fraction where a whole number belongs, say)."),
              ("null", "The body must be an object, not null."),
          ])
    func messages(body: String, message: String) async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let answer = try await browser.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": browser.csrfCookie ?? ""],
                                                body: ByteBuffer(string: body))
            #expect(answer.status == .badRequest, "\(body): \(answer.body.string)")
            let json = try AccountDataTests.json(answer)
            #expect(json["error"] as? String == "bad_request")
            #expect(json["message"] as? String == message, "\(body)")
        }
    }

    @Test("the media type: JSON sent as text/plain is 415; application/JSON is JSON (media types ignore case); no body and no type is 400")
    func mediaTypes() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            func post(_ type: String?, _ body: String) async throws -> TestingHTTPResponse {
                var headers: HTTPHeaders = ["X-CSRF-Token": browser.csrfCookie ?? ""]
                if let type { headers.add(name: .contentType, value: type) }
                return try await browser.send(.POST, "/v1/tokens", headers: headers, body: ByteBuffer(string: body))
            }
            let plain = try await post("text/plain", #"{"name":"x"}"#)
            #expect(plain.status == .unsupportedMediaType)
            #expect(try AccountDataTests.json(plain)["error"] as? String == "unsupported_media_type")
            #expect(try await post("application/JSON; charset=UTF-8", #"{"name":"upper"}"#).status == .created)
            let nothing = try await post(nil, "")
            #expect(nothing.status == .badRequest)
            #expect(try AccountDataTests.json(nothing)["message"] as? String == "The request has no body. Send a JSON object with Content-Type: application/json.")
            #expect(try await APIToken.query(on: app.db).all().map(\.name) == ["upper"])
        }
    }
}
