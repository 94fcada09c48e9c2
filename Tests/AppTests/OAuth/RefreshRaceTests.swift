@testable import App
import Fluent
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
            // and the workspace's audit log says why its connected app stopped
            let revoked = try await AuditEvent.query(on: app.db).filter(\.$action == "oauth.grant_revoked").all()
            #expect(!revoked.isEmpty && revoked.allSatisfy { $0.organizationID == grants.first?.$organization.id })
            #expect(revoked.allSatisfy { $0.metadata.contains("refresh_token_reused") })
        }
    }
}

@Suite("Authorization codes under concurrent use")
struct CodeRaceTests {
    @Test("ten concurrent redemptions of one code: one gets tokens, and the replays revoke them (RFC 6749 §4.1.2)", arguments: TestDatabase.all)
    func concurrentRedemption(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a fresh authorization code
            let flow = try await OAuthTests.setUp(app)
            let code = try await flow.code()
            // when it is redeemed ten times at once
            let answers = try await withThrowingTaskGroup(of: (UInt, String).self) { group in
                for _ in 0..<10 { group.addTask { let answer = try await flow.exchange(code); return (answer.status.code, answer.body.string) } }
                return try await group.reduce(into: [(UInt, String)]()) { $0.append($1) }
            }
            // then exactly one got tokens, and every replay ended them: none is left working
            let winners = answers.filter { $0.0 == 200 }
            #expect(winners.count == 1, "\(answers.map(\.0))")
            #expect(answers.filter { $0.0 == 400 }.count == 9, "\(answers.map(\.0))")
            let access = try #require(try JSONSerialization.jsonObject(with: Data(winners[0].1.utf8)) as? [String: Any])["access_token"] as? String
            #expect(try await flow.call(try #require(access)).status == .unauthorized, "the replays revoked the winner's access token")
            #expect(try await OAuthToken.query(on: app.db).all().allSatisfy { $0.revokedAt != nil })
            let organization = try #require(try await OAuthGrant.query(on: app.db).first()).$organization.id
            let revoked = try await AuditEvent.query(on: app.db).filter(\.$action == "oauth.grant_revoked").all()
            #expect(!revoked.isEmpty && revoked.allSatisfy { $0.organizationID == organization && $0.metadata.contains("authorization_code_replayed") })
        }
    }
}
