@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// Personal API tokens, profile, audit log and account deletion — each checked
/// against a second person who must never see or change the first one's data.
@Suite("Accounts: tokens, profile, audit, deletion")
struct AccountDataTests {
    static func signedIn(_ app: Application) async throws -> (BrowserSession, email: String) {
        let browser = BrowserSession(app)
        let email = AccountsTests.uniqueEmail()
        _ = try await AccountsTests.signInByEmail(browser, email: email)
        return (browser, email.lowercased())
    }

    /// The body as a JSON object. Anything else fails the test, so a check that
    /// something is absent can never pass on a body that is not the expected object.
    static func json(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try object(response.body.string, status: response.status, sourceLocation: sourceLocation)
    }

    static func json(_ response: Response, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try object(response.body.string ?? "", status: response.status, sourceLocation: sourceLocation)
    }

    private static func object(_ text: String, status: HTTPStatus, sourceLocation: SourceLocation) throws -> [String: Any] {
        let value = try? JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any], "\(status.code): not a JSON object: \(text.prefix(300))", sourceLocation: sourceLocation)
    }

    @Test("API tokens: shown once, stored hashed, usable as Bearer, revocable; nobody else sees them", arguments: TestDatabase.all)
    func tokens(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let (alice, _) = try await Self.signedIn(app)
            let (bob, _) = try await Self.signedIn(app)

            // when Alice creates a token
            let created = try await alice.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                               body: ByteBuffer(string: #"{"name":"CI deploys","expiresInDays":30,"scopes":["api"]}"#))
            #expect(created.status == .created)
            let body = try Self.json(created)
            let secret = try #require(body["token"] as? String)
            let id = try #require(body["id"] as? String)
            #expect(secret.hasPrefix("bmm_"))
            #expect(try await APIToken.query(on: app.db).filter(\.$tokenHash == secret).count() == 0)

            // then it authenticates API calls without any cookie
            let me = try await app.testing().sendRequest(.GET, "/v1/auth/me", headers: ["Authorization": "Bearer \(secret)"])
            #expect(me.status == .ok)
            let listed = try Self.json(try await alice.get("/v1/tokens"))["tokens"] as? [[String: Any]]
            #expect(listed?.count == 1)
            #expect(listed?.first?["token"] == nil)
            #expect(listed?.first?["lastUsedAt"] != nil)

            // and Bob can neither see nor revoke it
            #expect((try Self.json(try await bob.get("/v1/tokens"))["tokens"] as? [Any])?.isEmpty == true)
            let stolen = try await bob.send(.DELETE, "/v1/tokens/\(id)", headers: ["X-CSRF-Token": bob.csrfCookie ?? ""])
            #expect(stolen.status == .notFound)

            // revoking ends it
            let revoked = try await alice.send(.DELETE, "/v1/tokens/\(id)", headers: ["X-CSRF-Token": alice.csrfCookie ?? ""])
            #expect(revoked.status == .noContent)
            let after = try await app.testing().sendRequest(.GET, "/v1/auth/me", headers: ["Authorization": "Bearer \(secret)"])
            #expect(after.status == .unauthorized)
            #expect(after.headers.first(name: "WWW-Authenticate")?.contains("invalid_token") == true)

            // an expired token stops working
            let short = try await alice.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                             body: ByteBuffer(string: #"{"name":"short","expiresInDays":1,"scopes":["api"]}"#))
            let shortSecret = try #require(try Self.json(short)["token"] as? String)
            clock.advance(86_400 + 1)
            #expect(try await app.testing().sendRequest(.GET, "/v1/auth/me", headers: ["Authorization": "Bearer \(shortSecret)"]).status == .unauthorized)

            let actions = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(actions.filter { $0 == "token.created" }.count == 2)
            #expect(actions.contains("token.revoked"))
        }
    }

    @Test("bad token requests get clear errors and create nothing", arguments: TestDatabase.all, [
        (#"{"name":""}"#, "invalid_name"),
        (#"{"name":"two\nlines"}"#, "invalid_name"),
        (#"{"name":"x","expiresInDays":0}"#, "invalid_expiry"),
        (#"{"name":"x","expiresInDays":400}"#, "invalid_expiry"),
    ])
    func tokenValidation(database: TestDatabase, request: (body: String, code: String)) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await Self.signedIn(app)
            // when
            let response = try await alice.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                                body: ByteBuffer(string: request.body))
            // then
            #expect(response.status == .badRequest)
            #expect(try Self.json(response)["error"] as? String == request.code)
            #expect(try await APIToken.query(on: app.db).count() == 0)
        }
    }

    @Test("the token API needs a session or a known token", arguments: TestDatabase.all)
    func tokenAPINeedsCredentials(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // when
            let unknownToken = try await app.testing().sendRequest(.GET, "/v1/tokens", headers: ["Authorization": "Bearer bmm_unknown"])
            let noCredentials = try await app.testing().sendRequest(.GET, "/v1/tokens")
            // then
            #expect(unknownToken.status == .unauthorized)
            #expect(noCredentials.status == .unauthorized)
        }
    }

    @Test("your data: everything about you, nothing secret, nothing of anyone else", arguments: TestDatabase.all)
    func dataExport(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, email) = try await Self.signedIn(app)
            let (bob, bobEmail) = try await Self.signedIn(app)
            let created = try await alice.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                               body: ByteBuffer(string: #"{"name":"export-me"}"#))
            let secret = try #require(try Self.json(created)["token"] as? String)
            let response = try await alice.get("/v1/account/export")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentDisposition)?.contains("attachment") == true)
            let text = response.body.string
            let export = try Self.json(response)
            #expect((export["user"] as? [String: Any])?["email"] as? String == email)
            #expect((export["apiTokens"] as? [[String: Any]])?.first?["name"] as? String == "export-me")
            #expect((export["sessions"] as? [Any])?.count == 1)
            #expect(((export["auditEvents"] as? [[String: Any]]) ?? []).contains { $0["action"] as? String == "token.created" })
            #expect(!text.contains(secret))
            #expect(!text.contains(SecretToken.sha256(secret)))
            #expect(!text.contains(try #require(alice.sessionCookie)))
            #expect(!text.contains(bobEmail))
            _ = bob
            // the plan as every limit reads it (the same as /v1/auth/me says), the token's scopes and workspace
            let me = try Self.json(try await alice.get("/v1/auth/me"))
            let membership = try #require((export["memberships"] as? [[String: Any]])?.first)
            #expect(membership["plan"] as? String == (me["plan"] as? [String: Any])?["id"] as? String)
            let token = try #require((export["apiTokens"] as? [[String: Any]])?.first)
            #expect(token["scopes"] as? [String] == ["mcp"] && token["organizationId"] as? String == membership["organizationId"] as? String)
            for key in ["oauthGrants", "serversCreated", "invitationsSent", "emailChanges"] {
                #expect(export[key] as? [Any] != nil, "\(key) is listed")
            }
        }
    }

    @Test("your data lists the servers you created and the events' details, under a default plan other than the stored one",
          arguments: TestDatabase.all)
    func dataExportServersAndPlan(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_DEFAULT_PLAN": "team"])) { app in
            let (alice, _) = try await Self.signedIn(app)
            let server = try await Hosting.createAndBuild(alice)
            let export = try Self.json(try await alice.get("/v1/account/export"))
            #expect((export["memberships"] as? [[String: Any]])?.first?["plan"] as? String == "team")
            let servers = try #require(export["serversCreated"] as? [[String: Any]])
            #expect(servers.map { ($0["id"] as? String)?.lowercased() } == [server.uuidString.lowercased()])
            let created = try #require((export["auditEvents"] as? [[String: Any]])?.first { $0["action"] as? String == "server.created" })
            #expect(created["metadata"] as? [String: String] != nil && created["organizationId"] as? String != nil)
        }
    }

    @Test("profile: the display name can be changed, within limits", arguments: TestDatabase.all)
    func profile(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, _) = try await Self.signedIn(app)
            let ok = try await alice.send(.PATCH, "/v1/account/profile", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                          body: ByteBuffer(string: #"{"displayName":"  Alice <b>Liddell</b> "}"#))
            #expect(ok.status == .ok)
            #expect((try Self.json(ok)["user"] as? [String: Any])?["displayName"] as? String == "Alice <b>Liddell</b>")
            let dashboard = try await alice.get("/dashboard").body.string
            #expect(dashboard.contains("Alice &lt;b&gt;Liddell&lt;/b&gt;"))
            let bad = try await alice.send(.PATCH, "/v1/account/profile", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                           body: ByteBuffer(string: #"{"displayName":"   "}"#))
            #expect(bad.status == .badRequest)
            // a right-to-left override would reorder the "(address)" an invitation writes after the name
            let reordering = try await alice.send(.PATCH, "/v1/account/profile", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                                  body: ByteBuffer(string: #"{"displayName":"Acme Security Team‮"}"#))
            #expect(reordering.status == .badRequest)
            #expect(try Self.json(reordering)["error"] as? String == "invalid_display_name")
        }
    }

    @Test("audit log: org-scoped, newest first, filterable, paginated by cursor; events keep the caller's address", arguments: TestDatabase.all)
    func auditLog(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given three tokens of Alice's, the last one asked for from a known address
            let (alice, _) = try await Self.signedIn(app)
            let (bob, _) = try await Self.signedIn(app)
            let headers: HTTPHeaders = ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""]
            for index in 0..<2 {
                _ = try await alice.send(.POST, "/v1/tokens", headers: headers, body: ByteBuffer(string: #"{"name":"t\#(index)"}"#))
            }
            var addressed = headers
            addressed.add(name: .userAgent, value: "audit-test/1.0")
            let fromAddress = try await alice.send(.POST, "/v1/tokens", from: try SocketAddress(ipAddress: "203.0.113.7", port: 51_000),
                                                   headers: addressed, body: ByteBuffer(string: #"{"name":"t2"}"#))
            #expect(fromAddress.status == .created)
            let addressedToken = try #require(try Self.json(fromAddress)["id"] as? String)

            // when
            let all = try #require(try Self.json(try await alice.get("/v1/audit"))["events"] as? [[String: Any]])

            // then
            #expect(all.count >= 5)
            let withAddress = all.filter { $0["ip"] != nil }
            #expect(withAddress.count == 1, "in-process requests have no peer address, and the API leaves the field out")
            #expect((withAddress.first?["resourceId"] as? String)?.lowercased() == addressedToken.lowercased())
            #expect(withAddress.first?["ip"] as? String == "203.0.113.7")
            #expect(withAddress.first?["userAgent"] as? String == "audit-test/1.0")
            let times = all.compactMap { $0["createdAt"] as? String }
            #expect(times.count == all.count)
            #expect(times == times.sorted(by: >))

            let filtered = try #require(try Self.json(try await alice.get("/v1/audit?action=token.created"))["events"] as? [[String: Any]])
            #expect(filtered.count == 3)
            // a resource id in either case (endpoint URLs spell ids in lowercase)
            for spelling in [addressedToken.lowercased(), addressedToken.uppercased()] {
                let byResource = try #require(try Self.json(try await alice.get("/v1/audit?resource=\(spelling)"))["events"] as? [[String: Any]])
                #expect(byResource.count == 1 && byResource.first?["action"] as? String == "token.created", "\(spelling)")
            }

            var seen: [String] = []
            var cursor: String?
            repeat {
                let path = "/v1/audit?limit=2" + (cursor.map { "&" + QueryString([("cursor", $0)]).text } ?? "")
                let page = try Self.json(try await alice.get(path))
                seen += try #require(page["events"] as? [[String: Any]]).compactMap { $0["id"] as? String }
                cursor = page["nextCursor"] as? String
            } while cursor != nil
            #expect(seen == all.compactMap { $0["id"] as? String })

            let bobsView = try #require(try Self.json(try await bob.get("/v1/audit"))["events"] as? [[String: Any]])
            #expect(bobsView.contains { ($0["action"] as? String) == "auth.signed_in" }, "Bob sees his own events")
            #expect(!bobsView.contains { ($0["action"] as? String) == "token.created" })
            #expect(try await alice.get("/v1/audit?cursor=garbage").status == .badRequest)
            for limit in ["abc", "0", "-5", "201", "100000"] {
                let refused = try await alice.get("/v1/audit?limit=\(limit)")
                #expect(refused.status == .badRequest, "limit=\(limit)")
                #expect(try Self.json(refused)["error"] as? String == "invalid_limit", "limit=\(limit)")
            }
            #expect(try await alice.get("/v1/audit?limit=200").status == .ok)
        }
    }

    @Test("deleting the account needs the retyped address, then leaves no rows of the person's own organization", arguments: TestDatabase.all)
    func deletion(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, email) = try await Self.signedIn(app)
            let (bob, _) = try await Self.signedIn(app)
            _ = try await alice.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                     body: ByteBuffer(string: #"{"name":"doomed"}"#))
            let user = try #require(try await User.query(on: app.db).filter(\.$email == email).first())
            let organizationID = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).first()?.$organization.id)
            let session = try #require(alice.sessionCookie)

            let wrong = try await alice.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                             body: ByteBuffer(string: #"{"confirm":"someone@else.com"}"#))
            #expect(wrong.status == .unprocessableEntity)
            #expect(try await User.find(user.id, on: app.db) != nil)

            let deleted = try await alice.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                               body: ByteBuffer(string: #"{"confirm":"\#(email.uppercased())"}"#))
            #expect(deleted.status == .noContent)
            #expect(try await User.find(user.id, on: app.db) == nil)
            #expect(try await Organization.find(organizationID, on: app.db) == nil)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID).count() == 0)
            #expect(try await Session.query(on: app.db).filter(\.$user.$id == user.id!).count() == 0)
            #expect(try await APIToken.query(on: app.db).filter(\.$organization.$id == organizationID).count() == 0)
            // the audit log is kept, anonymised (AccountEdgeTests.auditKept)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$organizationID == organizationID).filter(\.$actorUserID != nil).count() == 0)
            let record = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "account.deleted").first())
            #expect(record.organizationID == nil)
            #expect(!record.metadata.contains(email))

            let replay = BrowserSession(app)
            replay.set("bmm_session", session)
            #expect(try await replay.get("/v1/auth/me").status == .unauthorized)
            #expect(try await bob.get("/v1/auth/me").status == .ok)
        }
    }

    @Test("deletion sent three times at once: one deletion, one audit event, one email; each answer says it is done or asks to sign in",
          arguments: TestDatabase.all)
    func deletionSentTwice(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, email) = try await Self.signedIn(app)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<3 {
                    group.addTask {
                        try await alice.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                             body: ByteBuffer(string: #"{"confirm":"\#(email)"}"#)).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // A request that waited on the first one's lock finds the account gone: done, as asked (204), where a 404
            // would be an answer the API does not document. One that starts after the sessions went is signed out.
            #expect(statuses.contains(.noContent), "\(statuses)")
            #expect(statuses.allSatisfy { [.noContent, .unauthorized].contains($0) }, "\(statuses)")
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.deleted").count() == 1)
            #expect(try await QueuedEmail.query(on: app.db).filter(\.$recipient == email).count() == 1)
        }
    }
}
