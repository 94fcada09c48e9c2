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
}
