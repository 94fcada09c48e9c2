@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The OAuth deviations a conformance review found (issue 13, item 1).
@Suite("OAuth: resource normalisation, unknown scopes, discovery paths of other issuers, malformed forms")
struct OAuthConformanceTests {
    @Test("the token endpoint compares resource after normalisation, as authorize does", arguments: TestDatabase.all)
    func resourceNormalisation(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let spelled = "HTTP://127.0.0.1:8080/mcp/\(flow.server.uuidString.uppercased())/"
            let exchanged = try await flow.exchange(try await flow.code(), resource: spelled)
            #expect(exchanged.status == .ok, "\(exchanged.body.string)")
            let tokens = try AccountDataTests.json(exchanged)
            let access = try #require(tokens["access_token"] as? String)
            #expect(try await flow.call(access).status == .ok, "the token is bound to the canonical resource")

            let refreshed = try await flow.token(["grant_type": "refresh_token", "client_id": flow.clientID,
                                                  "refresh_token": try #require(tokens["refresh_token"] as? String),
                                                  "resource": "http://127.0.0.1:8080/MCP/\(flow.server.uuidString.lowercased())"])
            #expect(refreshed.status == .badRequest, "the path stays case-sensitive")
            #expect(try AccountDataTests.json(refreshed)["error"] as? String == "invalid_target")
        }
    }

    @Test("unknown requested scopes (openid, offline_access) are ignored; the grant carries mcp:tools", arguments: TestDatabase.all)
    func unknownScopes(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let query = flow.authorizeQuery().replacingOccurrences(of: "scope=mcp:tools", with: "scope=openid%20mcp:tools%20offline_access")
            #expect(query.contains("offline_access"))
            let page = try await flow.browser.get(query)
            #expect(page.status == .ok, "the consent page, not an invalid_scope redirect: \(page.headers.first(name: .location) ?? "")")
            let scope = HTMLInspector(html: page.body.string).tags("input").first { $0.attributes["name"] == "scope" }?.attributes["value"]
            #expect(scope == "mcp:tools")
            let onlyOpenID = try await flow.browser.get(flow.authorizeQuery().replacingOccurrences(of: "scope=mcp:tools", with: "scope=openid"))
            #expect(onlyOpenID.status == .ok)
        }
    }

    @Test("OpenID discovery and path-inserted RFC 8414 URLs name other issuers: JSON 404", arguments: TestDatabase.all)
    func otherIssuers(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let id = flow.server.uuidString.lowercased()
            for path in ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server/mcp/\(id)",
                         "/.well-known/openid-configuration/mcp/\(id)", "/mcp/\(id)/.well-known/openid-configuration"] {
                let response = try await flow.browser.get(path)
                #expect(response.status == .notFound, "\(path)")
                #expect(try AccountDataTests.json(response)["error"] as? String == "not_found", "\(path)")
            }
            #expect(try await flow.browser.get("/.well-known/oauth-authorization-server").status == .ok)
        }
    }

    @Test("a missing, empty or undecodable form at /oauth/token and /oauth/revoke is 400 invalid_request (RFC 6749 §5.2, RFC 7009)",
          arguments: TestDatabase.all)
    func malformedForms(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let form: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
            let bodies: [(HTTPHeaders, String)] = [([:], ""), (form, ""), (form, "grant_type=%zz&token=%"),
                                                   (["Content-Type": "application/json"], "{not json"),
                                                   (["Content-Type": "text/plain"], "token=abc")]
            for path in ["/oauth/token", "/oauth/revoke"] {
                for (headers, body) in bodies {
                    // when
                    let answer = try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
                    // then
                    let label = "\(path) \(headers.first(name: .contentType) ?? "no type") \(body)"
                    #expect(answer.status == .badRequest, "\(label): \(answer.body.string)")
                    #expect(try AccountDataTests.json(answer)["error"] as? String == "invalid_request", "\(label)")
                    #expect(answer.headers.first(name: .cacheControl) == "no-store", "\(label)")
                }
            }
        }
    }

    @Test("someone outside the server's workspace who asks for it is sent back to the app with invalid_target, as for an unknown server",
          arguments: TestDatabase.all)
    func outsiderIsRedirected(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let (bob, _) = try await AccountDataTests.signedIn(app)
            let outsider = OAuthTests.Flow(browser: bob, server: flow.server, clientID: flow.clientID)
            for answer in [try await bob.get(outsider.authorizeQuery(state: "b1")),
                           try await bob.postForm("/oauth/authorize", [
                               "response_type": "code", "client_id": flow.clientID, "redirect_uri": OAuthTests.redirect,
                               "code_challenge": OAuthTokenService.challenge(for: OAuthTests.verifier), "code_challenge_method": "S256",
                               "state": "b1", "resource": flow.resource, "decision": "approve", "csrf": bob.csrfCookie ?? ""])] {
                #expect(answer.status == .seeOther, "\(answer.body.string.prefix(200))")
                let items = URLComponents(string: answer.headers.first(name: .location) ?? "")?.queryItems ?? []
                #expect(items.first { $0.name == "error" }?.value == "invalid_target")
                #expect(items.first { $0.name == "state" }?.value == "b1")
                #expect(items.first { $0.name == "code" } == nil)
                #expect(items.first { $0.name == "error_description" }?.value == "resource must be the URL of one of this platform's MCP servers.",
                        "the same words as for a server that does not exist")
            }
            #expect(try await OAuthGrant.query(on: app.db).count() == 0)
        }
    }
}
