@testable import App
import Fluent
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
              (#"{"name":"x","expiresInDays":3.7}"#, "`expiresInDays` must be a whole number."),
              (#"{"name":"x","expiresInDays":1e27}"#, "`expiresInDays` must be a whole number."),
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

    @Test("the media type: JSON sent as text/plain or untyped is 415; application/JSON is JSON (media types ignore case); no body and no type is 400")
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
            // a body with no type at all: the same answer, in our words (Vapor's say it "can't decode data without a content type")
            let untyped = try await post(nil, #"{"name":"x"}"#)
            #expect(untyped.status == .unsupportedMediaType)
            #expect(try AccountDataTests.json(untyped)["message"] as? String == "Send the body as JSON, with Content-Type: application/json.")
            #expect(try await post("application/JSON; charset=UTF-8", #"{"name":"upper"}"#).status == .created)
            let nothing = try await post(nil, "")
            #expect(nothing.status == .badRequest)
            #expect(try AccountDataTests.json(nothing)["message"] as? String == "The request has no body. Send a JSON object with Content-Type: application/json.")
            #expect(try await APIToken.query(on: app.db).all().map(\.name) == ["upper"])

            // a form or multipart body is not JSON either, with a token as with the session
            let token = try #require(try AccountDataTests.json(try await browser.postObject("/v1/tokens", ["name": "api", "scopes": ["api"]]))["token"] as? String)
            for (type, body) in [("application/x-www-form-urlencoded", "name=form"), ("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nmultipart\r\n--b--\r\n")] {
                let created = try await browser.app.testing().sendRequest(.POST, "/v1/tokens", headers: ["Authorization": "Bearer \(token)", "Content-Type": type],
                                                                         body: ByteBuffer(string: body))
                #expect(created.status == .unsupportedMediaType, "\(type)")
                #expect(try AccountDataTests.json(created)["error"] as? String == "unsupported_media_type")
                let profile = try await browser.app.testing().sendRequest(.PATCH, "/v1/account/profile", headers: ["Authorization": "Bearer \(token)", "Content-Type": type],
                                                                         body: ByteBuffer(string: body.replacingOccurrences(of: "name", with: "displayName")))
                #expect(profile.status == .unsupportedMediaType, "\(type)")
            }
            #expect(try await APIToken.query(on: app.db).all().map(\.name).sorted() == ["api", "upper"])
            #expect(try await User.query(on: app.db).filter(\.$displayName ~~ ["form", "multipart"]).count() == 0)
        }
    }

    @Test("every /v1 answer to a signed-in caller, session or token, is no-store unless it chose its own caching; public ones are not", arguments: TestDatabase.all)
    func signedInAnswersAreNotStored(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let token = try #require(try AccountDataTests.json(try await browser.postObject("/v1/tokens", ["name": "api", "scopes": ["api"]]))["token"] as? String)
            for path in ["/v1/billing/status", "/v1/auth/me", "/v1/servers", "/v1/templates/mine", "/v1/audit"] {
                let session = try await browser.get(path)
                #expect(session.status == .ok, "\(path)")
                #expect(session.headers.first(name: .cacheControl) == "no-store", "\(path) with the session")
                let bearer = try await app.testing().sendRequest(.GET, path, headers: ["Authorization": "Bearer \(token)"])
                #expect(bearer.headers.first(name: .cacheControl) == "no-store", "\(path) with a token")
            }
            let refused = try await app.testing().sendRequest(.GET, "/v1/servers", headers: ["Authorization": "Bearer \(token)x"])
            #expect(refused.status == .unauthorized)
            let patterns = try await browser.get("/v1/drafting/secret-patterns")
            #expect(patterns.headers.first(name: .cacheControl) == "public, max-age=300", "its own choice stands")
        }
    }
}
