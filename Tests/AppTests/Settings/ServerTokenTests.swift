@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A personal token made for one server (the install snippets' tokens, or chosen in Settings or over the API)
/// calls that server only: a token pasted into one client's configuration cannot reach the workspace's others.
@Suite("Tokens for one server")
struct ServerTokenTests {
    /// The calculator again under another slug: a second server of the same workspace.
    static var second: ServerSpec {
        var spec = Hosting.calculator
        spec.slug = "calculator-two"
        return spec
    }

    @Test("POST /v1/tokens with serverId: that server only, mcp only, of this workspace only, gone with the server",
          arguments: TestDatabase.all)
    func overTheAPI(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let first = try await Hosting.createAndBuild(alice)
            let second = try await Hosting.createAndBuild(alice, Self.second)
            let (bob, _) = try await AccountDataTests.signedIn(app)
            let bobs = try await Hosting.createAndBuild(bob)
            // when
            let (secret, json) = try await TokenScopeTests.create(alice, ["name": "cursor", "serverId": first.uuidString])
            // then
            #expect(json["serverId"] as? String == first.uuidString)
            #expect(json["scopes"] as? [String] == ["mcp"])
            let flow = TokenScopeTests.mcp(alice, first)
            #expect(try await flow.call(secret).status == .ok)
            let elsewhere = try await flow.call(secret, server: second)
            #expect(elsewhere.status == .unauthorized)
            #expect(elsewhere.headers.first(name: .wwwAuthenticate)?.contains("error=\"invalid_token\"") == true)
            #expect(try await TokenScopeTests.bearer(app, .GET, "/v1/auth/me", secret).status == .forbidden)
            // a token for every server still reaches both
            let (everywhere, everywhereJSON) = try await TokenScopeTests.create(alice, ["name": "all"])
            #expect(everywhereJSON["serverId"] == nil || everywhereJSON["serverId"] is NSNull)
            #expect(try await flow.call(everywhere, server: second).status == .ok)
            let listed = try AccountDataTests.json(try await alice.get("/v1/tokens"))["tokens"] as? [[String: Any]] ?? []
            #expect(listed.first { $0["name"] as? String == "cursor" }?["serverId"] as? String == first.uuidString)

            // refused, creating nothing: a server token with the api scope, another workspace's server, no such server
            let before = try await APIToken.query(on: app.db).count()
            let withAPI = try await alice.postObject("/v1/tokens", ["name": "x", "scopes": ["mcp", "api"], "serverId": first.uuidString])
            #expect(withAPI.status == .badRequest)
            #expect(try AccountDataTests.json(withAPI)["error"] as? String == "invalid_scope")
            let foreign = try await alice.postObject("/v1/tokens", ["name": "x", "serverId": bobs.uuidString])
            #expect(foreign.status == .notFound)
            #expect(try AccountDataTests.json(foreign)["error"] as? String == "server_not_found")
            #expect(try await alice.postObject("/v1/tokens", ["name": "x", "serverId": UUID().uuidString]).status == .notFound)
            #expect(try await APIToken.query(on: app.db).count() == before)

            // the audit event names the server
            let created = try await AuditEvent.query(on: app.db).filter(\.$action == "token.created").all()
            #expect(created.contains { $0.metadata.contains("calculator") })

            // deleting the server deletes its tokens; the others stay
            let deleted = try await alice.send(.DELETE, "/v1/servers/\(first)", headers: ["X-CSRF-Token": alice.csrfCookie ?? ""])
            #expect(deleted.status == .noContent)
            #expect(try await APIToken.query(on: app.db).filter(\.$name == "cursor").count() == 0)
            #expect(try await APIToken.query(on: app.db).filter(\.$name == "all").count() == 1)
        }
    }

    @Test("the install snippets' token calls its own server only", arguments: TestDatabase.all)
    func installSnippets(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(alice)
            let other = try await Hosting.createAndBuild(alice, Self.second)
            let csrf = try #require(BrowserSession.csrfField(in: try await alice.get("/servers/\(server)").body.string))
            // when
            let html = try await alice.postForm("/servers/\(server)/install-token", ["csrf": csrf]).body.string
            // then
            let secret = try #require(html.components(separatedBy: "Bearer bmm_").dropFirst().first?.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            let token = APIToken.prefix + secret
            #expect(html.contains("It reaches this server only"))
            #expect(try await APIToken.query(on: app.db).first()?.serverID == server)
            let flow = TokenScopeTests.mcp(alice, server)
            #expect(try await flow.call(token).status == .ok)
            #expect(try await flow.call(token, server: other).status == .unauthorized)
        }
    }

    @Test("Settings offers the workspace's servers; a server token lists as that server; a server with the api scope is refused, keeping the choice",
          arguments: TestDatabase.all)
    func settingsForm(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let empty = try await alice.get("/settings").body.string
            #expect(!empty.contains("id=\"token-server\""), "no servers, no choice")
            let server = try await Hosting.createAndBuild(alice)
            let page = try await alice.get("/settings").body.string
            let csrf = try #require(BrowserSession.csrfField(in: page))
            let options = HTMLInspector(html: page).tags("option").compactMap { $0.attributes["value"] }
            #expect(options.contains(server.uuidString))
            #expect(options.contains(""))
            // when
            let made = try await alice.postForm("/settings/tokens", ["name": "one", "scope": "mcp", "server": server.uuidString, "csrf": csrf])
            let refused = try await alice.postForm("/settings/tokens", ["name": "two", "scope": "api mcp", "server": server.uuidString, "csrf": csrf])
            let unknown = try await alice.postForm("/settings/tokens", ["name": "three", "scope": "mcp", "server": "not-a-server", "csrf": csrf])
            // then
            #expect(made.status == .ok)
            #expect(try await APIToken.query(on: app.db).filter(\.$name == "one").first()?.serverID == server)
            #expect(made.body.string.contains("<td>MCP server: Calculator</td>"))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("reaches that MCP server only"))
            let kept = HTMLInspector(html: refused.body.string).tags("option").first { $0.attributes["selected"] != nil && $0.attributes["value"] == server.uuidString }
            #expect(kept != nil, "the chosen server stays chosen")
            #expect(unknown.status == .unprocessableEntity)
            #expect(try await APIToken.query(on: app.db).count() == 1)
        }
    }
}
