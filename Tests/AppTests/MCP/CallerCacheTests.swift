@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// The MCP endpoint's caller check: a bearer token's caller is kept for at most a second, a
/// revocation through this instance's own routes ends it at the next call, another instance's
/// within the second, and an expired token is refused at its expiry whatever is kept.
@Suite("Caller cache: bearer tokens kept a second, revocations at once", .serialized)
struct CallerCacheTests {
    /// A server, its owner's browser and a client with a new personal API token of the owner.
    static func setUp(_ app: Application, token fields: [String: Any] = ["name": "mcp"]) async throws -> (BrowserSession, MCPEndpointTests.Client, tokenID: UUID) {
        let (browser, _) = try await AccountDataTests.signedIn(app)
        let server = try await Hosting.createAndBuild(browser)
        let created = try AccountDataTests.json(try await browser.postObject("/v1/tokens", fields))
        let token = try #require(created["token"] as? String)
        let id = try #require(created["id"] as? String)
        let tokenID = try #require(UUID(uuidString: id))
        return (browser, MCPEndpointTests.Client(app: app, path: "/mcp/\(server.uuidString.lowercased())", token: token), tokenID)
    }

    /// Calls until the answer is not 200 or `limit` passed; the last status and how long after `kept` the last call
    /// answered 200 had started (zero if none did). Judged by when calls started, not by when the refusal came: on a
    /// loaded machine one call can take longer than the whole allowance, which says nothing about the cache.
    static func refusal(after kept: ContinuousClock.Instant, _ call: () async throws -> TestingHTTPResponse,
                        limit: Duration) async throws -> (status: HTTPStatus, lastAnswered: Duration) {
        var lastAnswered = Duration.zero
        while true {
            let started = ContinuousClock.now
            let status = try await call().status
            if status == .ok { lastAnswered = started - kept }
            if status != .ok || ContinuousClock.now - kept > limit { return (status, lastAnswered) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("a kept caller answers without the database; a change straight in the database shows within the second", arguments: TestDatabase.all)
    func keptForItsLifetime(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a caller kept for longer than the test takes
            app.callers = CallerCache(lifetime: .seconds(3600))
            let (browser, client, _) = try await Self.setUp(app)
            #expect(try await client.stateless("tools/list").status == .ok)
            #expect(app.callers.count == 1)
            // when its token goes by a path this instance does not hear of
            try await APIToken.query(on: app.db).filter(\.$tokenHash == SecretToken.sha256(client.token)).delete()
            // then the kept caller answers
            #expect(try await client.stateless("tools/list").status == .ok, "the caller was kept, not looked up again")

            // given the default lifetime of one second and a caller just kept
            app.callers = CallerCache()
            let second = MCPEndpointTests.Client(app: app, path: client.path, token: try await Hosting.token(browser))
            #expect(try await second.stateless("tools/list").status == .ok)
            let kept = ContinuousClock.now
            // when its token goes straight from the database
            try await APIToken.query(on: app.db).filter(\.$tokenHash == SecretToken.sha256(second.token)).delete()
            // then it is refused, and no call started a second after it was kept was answered
            let (status, lastAnswered) = try await Self.refusal(after: kept, { try await second.stateless("tools/list") }, limit: .seconds(3))
            #expect(status == .unauthorized)
            #expect(lastAnswered < .seconds(1), "a call started \(lastAnswered) after the caller was kept was answered")
        }
    }

    @Test("revoking through this instance's routes ends a kept caller at the next call: API token, OAuth token, grant, refresh reuse, member removal",
          arguments: TestDatabase.all)
    func revocationsHere(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given callers kept for longer than the test takes
            app.callers = CallerCache(lifetime: .seconds(3600))
            let connected = try await RevocationTests.connectMember(app)
            let flow = connected.flow
            let member = connected.member
            let created = try AccountDataTests.json(try await member.postObject("/v1/tokens", ["name": "kept", "scopes": ["api", "mcp"]]))
            let apiToken = try #require(created["token"] as? String)
            #expect(try await flow.call(apiToken).status == .ok)

            // when the member revokes their API token
            let tokenID = try #require(created["id"] as? String)
            let revoked = try await member.send(.DELETE, "/v1/tokens/\(tokenID)", headers: ["X-CSRF-Token": member.csrfCookie ?? ""])
            #expect(revoked.status == .noContent)
            // then
            #expect(try await flow.call(apiToken).status == .unauthorized)

            // when the client revokes its access token (RFC 7009)
            #expect(try await flow.call(connected.access).status == .ok)
            let revocation = try await app.testing().sendRequest(.POST, "/oauth/revoke", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                                  body: ByteBuffer(string: "token=\(connected.access)&client_id=\(flow.clientID)"))
            #expect(revocation.status == .ok)
            // then
            #expect(try await flow.call(connected.access).status == .unauthorized)

            // when a rotated refresh token is presented again, which revokes the grant
            let issued = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let access = try #require(issued["access_token"] as? String)
            let refresh = try #require(issued["refresh_token"] as? String)
            #expect(try await flow.call(access).status == .ok)
            let rotation = ["grant_type": "refresh_token", "refresh_token": refresh, "client_id": flow.clientID]
            let rotated = try AccountDataTests.json(try await flow.token(rotation))
            let rotatedAccess = try #require(rotated["access_token"] as? String)
            #expect(try await flow.call(rotatedAccess).status == .ok)
            #expect(try await flow.token(rotation).status == .badRequest)
            // then neither the old nor the rotated access token works
            #expect(try await flow.call(access).status == .unauthorized)
            #expect(try await flow.call(rotatedAccess).status == .unauthorized)

            // when the person revokes the connected app in Settings
            let again = try #require(try AccountDataTests.json(try await flow.exchange(try await flow.code()))["access_token"] as? String)
            #expect(try await flow.call(again).status == .ok)
            let settings = try await member.get("/settings")
            let form = try #require(HTMLInspector(html: settings.body.string).tags("form").first { $0.attributes["action"]?.contains("/connected-apps/") == true })
            let csrf = try #require(BrowserSession.csrfField(in: settings.body.string))
            let action = try #require(form.attributes["action"])
            #expect(try await member.postForm(action, ["csrf": csrf]).status == .seeOther)
            // then
            #expect(try await flow.call(again).status == .unauthorized)

            // when the owner removes the member, whose new OAuth and API tokens are kept
            let last = try #require(try AccountDataTests.json(try await flow.exchange(try await flow.code()))["access_token"] as? String)
            let lastToken = try await Hosting.token(member)
            #expect(try await flow.call(last).status == .ok)
            #expect(try await flow.call(lastToken).status == .ok)
            let user = try await Workspaces.user(app, connected.memberEmail)
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id == connected.organizationID).first())
            let ownerCSRF = try #require(BrowserSession.csrfField(in: try await connected.owner.get("/settings").body.string))
            #expect(try await connected.owner.postForm("/settings/members/\(membership.id!)/remove", ["csrf": ownerCSRF]).status == .seeOther)
            // then
            #expect(try await flow.call(last).status == .unauthorized)
            #expect(try await flow.call(lastToken).status == .unauthorized)
        }
    }

    @Test("suspending a workspace through the admin page refuses its kept callers at the next call (their tokens are revoked); after reinstating it a new token works at once",
          arguments: TestDatabase.all)
    func suspensionHere(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            app.callers = CallerCache(lifetime: .seconds(3600))
            let (browser, client, _) = try await Self.setUp(app)
            #expect(try await client.stateless("tools/list").status == .ok)
            let organizationID = try await Workspaces.organizationID(browser)
            let (admin, adminEmail) = try await AccountDataTests.signedIn(app)
            _ = try await AdminTests.runAdmin(app, ["grant", adminEmail])
            let csrf = try #require(BrowserSession.csrfField(in: try await admin.get("/admin").body.string))
            // when
            #expect(try await admin.postForm("/admin/orgs/\(organizationID)/suspend", ["csrf": csrf]).status == .seeOther)
            // then
            let suspended = try await client.stateless("tools/list")
            #expect(suspended.status == .unauthorized)
            #expect(try AccountDataTests.json(suspended)["error"] as? String == "invalid_token")
            // when
            #expect(try await admin.postForm("/admin/orgs/\(organizationID)/unsuspend", ["csrf": csrf]).status == .seeOther)
            // then the revoked token stays revoked, and a new one (made in a new session: the suspension ended
            // the workspace's sessions) is let in
            #expect(try await client.stateless("tools/list").status == .unauthorized)
            let again = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(again, email: try #require(try await User.query(on: app.db)
                .join(Membership.self, on: \User.$id == \Membership.$user.$id).filter(Membership.self, \.$organization.$id == organizationID)
                .first()?.email))
            let renewed = MCPEndpointTests.Client(app: app, path: client.path, token: try await Hosting.token(again))
            #expect(try await renewed.stateless("tools/list").status == .ok)
        }
    }

    @Test("a revocation through another instance on the same database ends the caller kept here within the second", arguments: TestDatabase.all)
    func revocationThere(database: TestDatabase) async throws {
        let config = try testConfig(database: database)
        try await withConfiguredApp(config) { here in
            try await withConfiguredApp(config) { there in
                // given a caller kept here
                let (_, client, tokenID) = try await Self.setUp(here, token: ["name": "both", "scopes": ["api", "mcp"]])
                #expect(try await client.stateless("tools/list").status == .ok)
                let kept = ContinuousClock.now
                // when the token revokes itself through the other instance
                let revoked = try await there.testing().sendRequest(.DELETE, "/v1/tokens/\(tokenID)", headers: ["Authorization": "Bearer \(client.token)"])
                #expect(revoked.status == .noContent)
                // then this instance refuses it, and no call started a second after it was kept was answered
                let (status, lastAnswered) = try await Self.refusal(after: kept, { try await client.stateless("tools/list") }, limit: .seconds(3))
                #expect(status == .unauthorized)
                #expect(lastAnswered < .seconds(1), "a call started \(lastAnswered) after the caller was kept was answered")
            }
        }
    }

    @Test("an expired token is refused at its expiry, however long its caller would be kept: API and OAuth tokens", arguments: TestDatabase.all)
    func expiry(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given callers kept for longer than the test takes, and a token that expires in a day
            app.callers = CallerCache(lifetime: .seconds(3600))
            let clock = TestClock()
            app.clock = clock.clock
            let (_, client, _) = try await Self.setUp(app, token: ["name": "short", "expiresInDays": 1])
            let connected = try await RevocationTests.connectMember(app)
            #expect(try await client.stateless("tools/list").status == .ok)
            // when the OAuth access token's hour passes
            clock.advance(OAuthTokenService.accessLifetime + 1)
            // then
            #expect(try await connected.flow.call(connected.access).status == .unauthorized)
            #expect(try await client.stateless("tools/list").status == .ok)
            // when the API token's day passes
            clock.advance(86_400)
            // then
            #expect(try await client.stateless("tools/list").status == .unauthorized)
        }
    }

    @Test("kept callers are bounded and keyed by the token's hash, never the token")
    func boundedAndHashed() async throws {
        // given
        let cache = CallerCache(lifetime: .seconds(3600), capacity: 10)
        let caller = BearerCaller(userID: UUID(), organizationID: UUID(), organizationSuspended: false)
        var lookups = 0
        // when
        for index in 0..<25 {
            _ = try await cache.caller(tokenHash: SecretToken.sha256("bmm_secret-\(index)"), resource: nil, now: Date()) {
                lookups += 1
                return caller
            }
        }
        _ = try await cache.caller(tokenHash: SecretToken.sha256("bmm_secret-24"), resource: nil, now: Date()) {
            lookups += 1
            return caller
        }
        // then
        #expect(cache.count <= 10)
        #expect(lookups == 25, "the last token's caller was kept")
        // when a refused token is asked about
        _ = try await cache.caller(tokenHash: SecretToken.sha256("bmm_refused"), resource: nil, now: Date()) { nil }
        // then nothing is kept for it
        var asked = false
        _ = try await cache.caller(tokenHash: SecretToken.sha256("bmm_refused"), resource: nil, now: Date()) {
            asked = true
            return nil
        }
        #expect(asked)
    }
}
