@testable import App
import Fluent
import Foundation
import NIOCore
import SQLKit
import Testing
import Vapor
import VaporTesting

/// SECURITY.md 41: personal API tokens carry scopes; an `mcp` token reaches only the
/// MCP endpoints, an `api` token only `/v1`; tokens from before scopes keep full access.
@Suite("API token scopes")
struct TokenScopeTests {
    static func create(_ browser: BrowserSession, _ body: [String: Any]) async throws -> (secret: String, json: [String: Any]) {
        let response = try await browser.postObject("/v1/tokens", body)
        #expect(response.status == .created, "\(response.body.string)")
        let json = try AccountDataTests.json(response)
        return (try #require(json["token"] as? String), json)
    }

    static func bearer(_ app: Application, _ method: HTTPMethod, _ path: String, _ token: String, json: String? = nil) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Authorization": "Bearer \(token)"]
        if json != nil { headers.add(name: .contentType, value: "application/json") }
        return try await app.testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    static func mcp(_ browser: BrowserSession, _ server: UUID) -> OAuthTests.Flow {
        OAuthTests.Flow(browser: browser, server: server, clientID: "")
    }

    @Test("a new token is mcp-only by default: it calls MCP servers and is refused on /v1 and on forms, audited", arguments: TestDatabase.all)
    func mcpByDefault(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(alice)
            // when
            let (secret, json) = try await Self.create(alice, ["name": "claude"])
            // then
            #expect(json["scopes"] as? [String] == ["mcp"])
            #expect(json["fullAccess"] as? Bool == false)
            #expect(try await Self.mcp(alice, server).call(secret).status == .ok)
            let api = try await Self.bearer(app, .GET, "/v1/auth/me", secret)
            #expect(api.status == .forbidden)
            #expect(try AccountDataTests.json(api)["error"] as? String == "insufficient_scope")
            let form = try await Self.bearer(app, .POST, "/settings/profile", secret, json: #"{"displayName":"Mallory"}"#)
            #expect(form.status == .forbidden)
            #expect(try await Self.bearer(app, .GET, "/settings", secret).status == .forbidden)
            #expect(try await User.query(on: app.db).filter(\.$displayName == "Mallory").count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "token.scope_refused").count() == 3)
            // a refused request is not a use: a token only ever refused still shows as never used
            let (unused, unusedJSON) = try await Self.create(alice, ["name": "never used"])
            #expect(try await Self.bearer(app, .GET, "/v1/auth/me", unused).status == .forbidden)
            let unusedID = try #require(UUID(uuidString: unusedJSON["id"] as? String ?? ""))
            #expect(try await APIToken.find(unusedID, on: app.db)?.lastUsedAt == nil)
            let (apiToken, apiJSON) = try await Self.create(alice, ["name": "api", "scopes": ["api"]])
            #expect(try await Self.bearer(app, .GET, "/v1/auth/me", apiToken).status == .ok)
            #expect(try await APIToken.find(UUID(uuidString: apiJSON["id"] as? String ?? ""), on: app.db)?.lastUsedAt != nil)
        }
    }

    @Test("an api token reaches /v1 and not MCP or forms; a token with both reaches both", arguments: TestDatabase.all)
    func apiAndBoth(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(alice)
            // when
            let (api, _) = try await Self.create(alice, ["name": "ci", "scopes": ["api"]])
            let (both, bothJSON) = try await Self.create(alice, ["name": "both", "scopes": ["mcp", "api", "mcp"]])
            // then
            #expect(try await Self.bearer(app, .GET, "/v1/servers", api).status == .ok)
            let call = try await Self.mcp(alice, server).call(api)
            #expect(call.status == .forbidden)
            #expect(try AccountDataTests.json(call)["error"] as? String == "insufficient_scope")
            // the challenge says where to learn more and what to ask for, as an OAuth token's refusal does
            let challenge = call.headers.first(name: .wwwAuthenticate) ?? ""
            #expect(challenge.contains("error=\"insufficient_scope\"") && challenge.contains("resource_metadata=") && challenge.contains("scope="), "\(challenge)")
            #expect(try await Self.bearer(app, .POST, "/settings/profile", api, json: #"{"displayName":"Mallory"}"#).status == .forbidden)
            #expect(bothJSON["scopes"] as? [String] == ["api", "mcp"])
            #expect(try await Self.bearer(app, .GET, "/v1/servers", both).status == .ok)
            #expect(try await Self.mcp(alice, server).call(both).status == .ok)
        }
    }

    @Test("a token makes tokens no stronger than itself (its scopes at most, expiring no later) and cannot delete the account",
          arguments: TestDatabase.all)
    func noEscalation(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given: a one-day api token
            let (alice, email) = try await AccountDataTests.signedIn(app)
            let (short, json) = try await Self.create(alice, ["name": "ci", "scopes": ["api"], "expiresInDays": 1])
            let limit = try #require(json["expiresAt"] as? String)

            // when it asks for a wider or a lasting one
            let wider = try await Self.bearer(app, .POST, "/v1/tokens", short, json: #"{"name":"forever","scopes":["api","mcp"]}"#)
            let lasting = try await Self.bearer(app, .POST, "/v1/tokens", short, json: #"{"name":"forever","scopes":["api"],"expiresInDays":365}"#)
            let unlimited = try await Self.bearer(app, .POST, "/v1/tokens", short, json: #"{"name":"forever","scopes":["api"]}"#)

            // then: no wider scope; its own scope, but no later expiry than its own
            #expect(wider.status == .forbidden)
            #expect(try AccountDataTests.json(wider)["error"] as? String == "insufficient_scope")
            #expect(lasting.status == .created && unlimited.status == .created)
            #expect(try AccountDataTests.json(lasting)["expiresAt"] as? String == limit)
            #expect(try AccountDataTests.json(unlimited)["expiresAt"] as? String == limit)
            #expect(try await APIToken.query(on: app.db).all().filter { $0.scopes.contains("mcp") }.isEmpty)

            // and the account stays: only a browser session deletes it
            let deleted = try await Self.bearer(app, .DELETE, "/v1/account", short, json: "{\"confirm\":\"\(email)\"}")
            #expect(deleted.status == .forbidden)
            #expect(try AccountDataTests.json(deleted)["error"] as? String == "insufficient_scope")
            #expect(try await User.query(on: app.db).count() == 1)
            // a token made in the browser still gets what it asks for
            let (_, browserMade) = try await Self.create(alice, ["name": "both", "scopes": ["api", "mcp"]])
            #expect(browserMade["expiresAt"] == nil || browserMade["expiresAt"] is NSNull)
        }
    }

    @Test("revoking a token revokes the tokens made with it, and theirs; the audit log says which token made one",
          arguments: TestDatabase.all)
    func revocationReachesDescendants(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a token, a child made with it, a grandchild made with the child, and an unrelated token
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let (parent, parentJSON) = try await Self.create(alice, ["name": "parent", "scopes": ["api", "mcp"]])
            let (other, _) = try await Self.create(alice, ["name": "other", "scopes": ["api"]])
            let child = try await Self.bearer(app, .POST, "/v1/tokens", parent, json: #"{"name":"child","scopes":["api","mcp"]}"#)
            #expect(child.status == .created)
            let childSecret = try #require(try AccountDataTests.json(child)["token"] as? String)
            let grandchild = try await Self.bearer(app, .POST, "/v1/tokens", childSecret, json: #"{"name":"grandchild","scopes":["api"]}"#)
            let grandchildSecret = try #require(try AccountDataTests.json(grandchild)["token"] as? String)
            #expect(try await Self.bearer(app, .GET, "/v1/auth/me", grandchildSecret).status == .ok)
            let created = try await AuditEvent.query(on: app.db).filter(\.$action == "token.created").all()
            #expect(created.contains { $0.metadata.contains("…\(parent.suffix(4))") })

            // when the parent is revoked
            let id = try #require(parentJSON["id"] as? String)
            let revoked = try await alice.send(.DELETE, "/v1/tokens/" + id, headers: ["X-CSRF-Token": alice.csrfCookie ?? ""])
            #expect(revoked.status == .noContent)

            // then all three stop at once; the unrelated token works
            for secret in [parent, childSecret, grandchildSecret] {
                #expect(try await Self.bearer(app, .GET, "/v1/auth/me", secret).status == .unauthorized)
            }
            #expect(try await Self.bearer(app, .GET, "/v1/auth/me", other).status == .ok)
            #expect(try await APIToken.query(on: app.db).count() == 1)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "token.revoked").first())
            #expect(event.metadata.contains("…\(childSecret.suffix(4))") && event.metadata.contains("…\(grandchildSecret.suffix(4))"))
        }
    }

    @Test("a token revoked while it makes tokens leaves none behind, and a second revocation is 404 with one audit event",
          arguments: TestDatabase.all)
    func revocationRacesCreation(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a leaked token making successors in four loops
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let (leaked, leakedJSON) = try await Self.create(alice, ["name": "leaked", "scopes": ["api"]])
            let id = try #require(leakedJSON["id"] as? String)
            let made = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var secrets: [String] = []
                        for _ in 0..<15 {
                            let answer = try await Self.bearer(app, .POST, "/v1/tokens", leaked, json: #"{"name":"successor","scopes":["api"]}"#)
                            if answer.status != .created { break }
                            secrets.append(try #require(try AccountDataTests.json(answer)["token"] as? String))
                        }
                        return secrets
                    }
                }
                // when the owner revokes it (twice, as a double click would) while they run
                group.addTask {
                    try await Task.sleep(for: .milliseconds(40))
                    let first = try await alice.send(.DELETE, "/v1/tokens/" + id, headers: ["X-CSRF-Token": alice.csrfCookie ?? ""])
                    let second = try await alice.send(.DELETE, "/v1/tokens/" + id, headers: ["X-CSRF-Token": alice.csrfCookie ?? ""])
                    #expect(first.status == .noContent && second.status == .notFound)
                    return []
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }

            // then no successor works or is stored, whenever it was made
            #expect(!made.isEmpty, "the loops made no token before the revocation")
            for secret in made {
                #expect(try await Self.bearer(app, .GET, "/v1/auth/me", secret).status == .unauthorized)
            }
            #expect(try await APIToken.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "token.revoked").count() == 1)
        }
    }

    @Test("unknown or empty scopes: 400 invalid_scope, nothing created", arguments: TestDatabase.all, [
        #"{"name":"x","scopes":["admin"]}"#, #"{"name":"x","scopes":[]}"#, #"{"name":"x","scopes":["mcp","root"]}"#,
    ])
    func invalidScopes(database: TestDatabase, body: String) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            // when
            let response = try await alice.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                                body: ByteBuffer(string: body))
            // then
            #expect(response.status == .badRequest)
            #expect(try AccountDataTests.json(response)["error"] as? String == "invalid_scope")
            #expect(try await APIToken.query(on: app.db).count() == 0)
        }
    }

    @Test("tokens from before scopes keep their full reach and show as full access", arguments: TestDatabase.all)
    func existingTokens(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a row written the way it was before the scopes column existed
            let (alice, email) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(alice)
            let user = try await Workspaces.user(app, email)
            let organizationID = try await Workspaces.organizationID(alice)
            let secret = APIToken.prefix + "legacy-" + UUID().uuidString
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("""
                INSERT INTO api_tokens (id, organization_id, user_id, name, token_hash, hint, created_at)
                VALUES (\(bind: UUID()), \(bind: organizationID), \(bind: user.id!), \(bind: "old laptop"), \(bind: SecretToken.sha256(secret)), \(bind: "abcd"), \(bind: Date()))
                """).run()
            // then it reaches everything it reached before
            #expect(try await APIToken.query(on: app.db).first()?.scopes == "full")
            #expect(try await Self.bearer(app, .GET, "/v1/auth/me", secret).status == .ok)
            #expect(try await Self.mcp(alice, server).call(secret).status == .ok)
            #expect(try await Self.bearer(app, .POST, "/settings/profile", secret, json: #"{"displayName":"Still works"}"#).status == .seeOther)
            let listed = try #require(try AccountDataTests.json(try await alice.get("/v1/tokens"))["tokens"] as? [[String: Any]])
            #expect(listed.first?["fullAccess"] as? Bool == true)
            #expect(listed.first?["scopes"] as? [String] == ["api", "mcp"])
            #expect(try await alice.get("/settings").body.string.contains("<td>Full access</td>"))
        }
    }

    @Test("the settings form creates a token with the chosen reach, and the list shows each token's reach", arguments: TestDatabase.all)
    func settingsForm(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let page = try await alice.get("/settings").body.string
            let csrf = try #require(BrowserSession.csrfField(in: page))
            let radios = HTMLInspector(html: page).tags("input").filter { $0.attributes["name"] == "scope" }
            #expect(radios.compactMap { $0.attributes["value"] } == ["mcp", "api", "api mcp"])
            // when
            let api = try await alice.postForm("/settings/tokens", ["name": "scripts", "scope": "api", "csrf": csrf])
            let unnamed = try await alice.postForm("/settings/tokens", ["name": "default", "csrf": csrf])
            let bogus = try await alice.postForm("/settings/tokens", ["name": "bogus", "scope": "admin", "csrf": csrf])
            // then
            #expect(api.status == .ok)
            #expect(unnamed.status == .ok)
            #expect(bogus.status == .unprocessableEntity)
            let scopes = Dictionary(uniqueKeysWithValues: try await APIToken.query(on: app.db).all().map { ($0.name, $0.scopes) })
            #expect(scopes == ["scripts": "api", "default": "mcp"])
            let listed = try await alice.get("/settings").body.string
            #expect(listed.contains("<td>The /v1 API</td>"))
            #expect(listed.contains("<td>MCP servers</td>"))
        }
    }

    @Test("install snippets create and show an mcp-scoped token; another workspace's server gets 404", arguments: TestDatabase.all)
    func installSnippets(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(alice)
            let page = try await alice.get("/servers/\(server)").body.string
            #expect(page.contains(InstallSnippets.placeholder))
            let csrf = try #require(BrowserSession.csrfField(in: page))
            // when
            let shown = try await alice.postForm("/servers/\(server)/install-token", ["csrf": csrf])
            // then
            #expect(shown.status == .ok)
            let html = shown.body.string
            let secret = try #require(html.components(separatedBy: "Bearer bmm_").dropFirst().first?.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            let token = APIToken.prefix + secret
            #expect(!html.contains(InstallSnippets.placeholder))
            #expect(try await APIToken.query(on: app.db).all().map(\.scopes) == ["mcp"])
            #expect(try await Self.mcp(alice, server).call(token).status == .ok)
            #expect(try await Self.bearer(app, .GET, "/v1/auth/me", token).status == .forbidden)
            #expect(!(try await alice.get("/servers/\(server)").body.string.contains(token)), "shown once")

            let (bob, _) = try await AccountDataTests.signedIn(app)
            let bobCSRF = try #require(BrowserSession.csrfField(in: try await bob.get("/settings").body.string))
            #expect(try await bob.postForm("/servers/\(server)/install-token", ["csrf": bobCSRF]).status == .notFound)
            #expect(try await APIToken.query(on: app.db).count() == 1)
        }
    }
}
