@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Refresh tokens under concurrent use")
struct RefreshRaceTests {
    @Test("ten concurrent refreshes with one token: one rotation, the rest are reuse and revoke the grant", arguments: TestDatabase.all)
    func concurrentRefresh(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a refresh token
            let flow = try await OAuthTests.setUp(app)
            let tokens = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let refresh = try #require(tokens["refresh_token"] as? String)
            let fields = ["grant_type": "refresh_token", "refresh_token": refresh, "client_id": flow.clientID]
            // when it is presented ten times at once
            let statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for _ in 0..<10 { group.addTask { try await flow.token(fields).status.code } }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }
            // then it rotated once; every other use was a reuse, which ends the grant
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 400 }.count == 9, "\(statuses)")
            let grants = try await OAuthGrant.query(on: app.db).all()
            #expect(grants.count == 1)
            #expect(grants.allSatisfy { $0.revokedAt != nil })
        }
    }
}
