@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Odd text: what cannot be stored or shown gets a clear refusal, never a 500 or a silently dropped filter")
struct OddTextTests {
    @Test("a query parameter that is not UTF-8 is refused by its own check; a NUL in a filter is a 400 on any database",
          arguments: TestDatabase.all)
    func queries(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, _) = try await AccountDataTests.signedIn(app)
            for (query, code) in [("limit=%FF", "invalid_limit"), ("actor=%FF", "invalid_actor"), ("from=%FF", "invalid_from"),
                                  ("cursor=%FF", "invalid_cursor")] {
                let answer = try await alice.get("/v1/audit?" + query)
                #expect(answer.status == .badRequest, "\(query)")
                #expect(try AccountDataTests.json(answer)["error"] as? String == code, "\(query)")
            }
            let sorted = try await alice.get("/v1/templates?sort=%FF")
            #expect(try AccountDataTests.json(sorted)["error"] as? String == "invalid_sort")
            // PostgreSQL's text cannot hold NUL: the statement fails, and that is the request's fault
            let nul = try await alice.get("/v1/audit?action=a%00b")
            if case .postgres = database {
                #expect(nul.status == .badRequest)
                #expect(try AccountDataTests.json(nul)["error"] as? String == "bad_request")
            } else {
                #expect(nul.status == .ok)
            }
        }
    }

    @Test("a form that is not UTF-8, raw or percent-encoded, is one clear 400 and stores nothing (raw bytes were kept as U+FFFD)")
    func formNotUTF8() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(alice.csrfCookie)
            let before = try await Workspaces.user(app, try #require(try await User.query(on: app.db).first()?.email)).displayName
            var raw = ByteBuffer(string: "csrf=\(csrf)&displayName=A")
            raw.writeBytes([0xFF, 0xFE])
            raw.writeString("B")
            for body in [raw, ByteBuffer(string: "csrf=\(csrf)&displayName=%FF%FE")] {
                let answer = try await alice.send(.POST, "/settings/profile", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: body)
                #expect(answer.status == .badRequest)
                #expect(answer.body.string.contains("not UTF-8"))
            }
            #expect(try await User.query(on: app.db).first()?.displayName == before)
            // and text that is UTF-8, encoded or not, goes through
            let fine = try await alice.send(.POST, "/settings/profile", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                            body: ByteBuffer(string: "csrf=\(csrf)&displayName=J%C3%BCrgen+M%C3%BCller"))
            #expect(fine.status == .seeOther)
            #expect(try await User.query(on: app.db).first()?.displayName == "Jürgen Müller")
        }
    }

    @Test("names that show nothing, or stack marks by the thousand, are refused", arguments: TestDatabase.all)
    func names(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let zalgo = String(repeating: "a" + String(repeating: "\u{0301}", count: 300), count: 20)
            for name in ["\u{3164}", "Line\u{2028}break", zalgo] {
                let token = try await alice.postObject("/v1/tokens", ["name": name])
                #expect(token.status == .badRequest)
                #expect(try AccountDataTests.json(token)["error"] as? String == "invalid_name")
                let profile = try await alice.postObject("/v1/account/profile", ["displayName": name], method: .PATCH)
                #expect(profile.status == .unprocessableEntity || profile.status == .badRequest, "\(profile.status)")
            }
            let client = try await alice.postObject("/oauth/register", ["client_name": zalgo, "redirect_uris": [OAuthTests.redirect]])
            #expect(client.status == .badRequest)
            #expect(try AccountDataTests.json(client)["error"] as? String == "invalid_client_metadata")
            let plain = try await alice.postObject("/oauth/register", ["client_name": String(repeating: "x", count: 150), "redirect_uris": [OAuthTests.redirect]])
            #expect(plain.status == .created, "a long plain name is shortened, as before")
        }
    }
}
