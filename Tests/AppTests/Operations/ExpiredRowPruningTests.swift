@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Rows that ended are deleted, as the privacy page's retention table says")
struct ExpiredRowPruningTests {
    @Test("sign-in codes, drafts, OAuth codes and tokens go after their expiry; sessions after their timeouts; revoked grants and registrations unused for 90 days after that; nothing live goes",
          arguments: TestDatabase.all)
    func retention(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a person signed in by a magic link, with a draft and an app connected by OAuth
            let flow = try await OAuthTests.setUp(app)
            #expect([.ok, .created].contains(try await flow.browser.postObject("/v1/servers/preview", ["prompt": "Weather forecasts for any city"]).status))
            let tokens = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let refresh = try #require(tokens["refresh_token"] as? String)
            let pruning = ExpiredRowPruning(database: app.db)
            let now = app.clock.now()
            func rows() async throws -> [Int] {
                [try await LoginChallenge.query(on: app.db).count(), try await Session.query(on: app.db).count(), try await Draft.query(on: app.db).count(),
                 try await OAuthCode.query(on: app.db).count(), try await OAuthToken.query(on: app.db).count(),
                 try await OAuthGrant.query(on: app.db).count(), try await OAuthClient.query(on: app.db).count()]
            }
            #expect(try await rows() == [1, 1, 1, 1, 2, 1, 1])

            // now: nothing has ended
            #expect(try await pruning.prune(now: now) == .init())
            // two days on: the sign-in code, the draft, the used OAuth code and the access token have
            let later = try await pruning.prune(now: now.addingTimeInterval(2 * 86_400))
            // (and the outbox's copy of the sign-in mail, with its link)
            #expect(later == .init(challenges: 1, drafts: 1, codes: 1, tokens: 1, outbox: 1))
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
            #expect(try await rows() == [0, 1, 0, 0, 1, 1, 1])
            // and the refresh token still works (its row is what a reuse is recognised by)
            let refreshed = try await flow.token(["grant_type": "refresh_token", "refresh_token": refresh, "client_id": flow.clientID, "resource": flow.resource])
            #expect(refreshed.status == .ok, "\(refreshed.body.string)")

            // once the grant is revoked and everything under it has expired, and the registration went unused for 90 days
            let grant = try #require(try await OAuthGrant.query(on: app.db).first())
            grant.revokedAt = now
            try await grant.save(on: app.db)
            let end = try await pruning.prune(now: now.addingTimeInterval(OAuthClients.unusedLifetime + 86_400))
            #expect(end.sessions == 1 && end.grants == 1 && end.clients == 1, "\(end)")
            #expect(try await rows() == [0, 0, 0, 0, 0, 0, 0])
        }
    }

    @Test("a registration unused for 90 days goes with its grants, codes and tokens, where another app's stay", arguments: TestDatabase.all)
    func unusedRegistration(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            _ = try await flow.exchange(try await flow.code())
            let registered = try await flow.browser.postObject("/oauth/register", ["client_name": "Fresh", "redirect_uris": [OAuthTests.redirect]])
            #expect(registered.status == .created)
            let stale = try #require(try await OAuthClient.query(on: app.db).filter(\.$clientID == flow.clientID).first())
            stale.lastUsedAt = app.clock.now().addingTimeInterval(-OAuthClients.unusedLifetime - 60)
            try await stale.save(on: app.db)
            let counts = try await ExpiredRowPruning(database: app.db).prune(now: app.clock.now())
            #expect(counts.clients == 1 && counts.grants == 1 && counts.tokens == 2 && counts.codes == 1, "\(counts)")
            #expect(try await OAuthClient.query(on: app.db).all().map(\.clientName) == ["Fresh"])
            #expect(try await OAuthToken.query(on: app.db).count() == 0)
        }
    }

    @Test("an app that only refreshes its tokens is in use: its registration does not expire as unused", arguments: TestDatabase.all)
    func refreshingKeepsTheRegistration(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given an app connected 89 days ago that has since only refreshed its tokens
            let flow = try await OAuthTests.setUp(app)
            let tokens = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let refresh = try #require(tokens["refresh_token"] as? String)
            let client = try #require(try await OAuthClient.query(on: app.db).filter(\.$clientID == flow.clientID).first())
            client.lastUsedAt = app.clock.now().addingTimeInterval(-89 * 86_400)
            try await client.save(on: app.db)

            // when it refreshes once more
            let refreshed = try await flow.token(["grant_type": "refresh_token", "refresh_token": refresh, "client_id": flow.clientID, "resource": flow.resource])
            #expect(refreshed.status == .ok, "\(refreshed.body.string)")

            // then two days later (91 days after the consent) its registration, grant and tokens are all still there
            let counts = try await ExpiredRowPruning(database: app.db).prune(now: app.clock.now().addingTimeInterval(2 * 86_400))
            #expect(counts.clients == 0 && counts.grants == 0, "\(counts)")
            #expect(try await OAuthClient.query(on: app.db).filter(\.$clientID == flow.clientID).count() == 1)
            let newRefresh = try #require(try AccountDataTests.json(refreshed)["refresh_token"] as? String)
            let again = try await flow.token(["grant_type": "refresh_token", "refresh_token": newRefresh, "client_id": flow.clientID, "resource": flow.resource])
            #expect(again.status == .ok, "\(again.body.string)")
        }
    }
}
