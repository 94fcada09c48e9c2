@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// SECURITY.md 37: when a person's membership ends — removed by an owner, the workspace
/// suspended, the account deleted, or the row gone by any other path — the OAuth
/// tokens they got through the real authorize and token endpoints stop working.
@Suite("Revocation reaches OAuth: removal, suspension, deletion, lost membership")
struct RevocationTests {
    struct Connected {
        let flow: OAuthTests.Flow
        let access: String
        let refresh: String
        let owner: BrowserSession
        let member: BrowserSession
        let memberEmail: String
        let organizationID: UUID
    }

    /// An owner's server, and a member who joined by invitation and connected an
    /// OAuth client to it; the access token works.
    static func connectMember(_ app: Application) async throws -> Connected {
        let (owner, _) = try await AccountDataTests.signedIn(app)
        let server = try await Hosting.createAndBuild(owner)
        let organizationID = try await Workspaces.organizationID(owner)
        let memberEmail = AccountsTests.uniqueEmail().lowercased()
        let member = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
        let registered = try await member.postObject("/oauth/register", ["client_name": "Test client", "redirect_uris": [OAuthTests.redirect]])
        let clientID = try #require(try AccountDataTests.json(registered)["client_id"] as? String)
        let flow = OAuthTests.Flow(browser: member, server: server, clientID: clientID)
        let issued = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
        let access = try #require(issued["access_token"] as? String)
        let refresh = try #require(issued["refresh_token"] as? String)
        #expect(try await flow.call(access).status == .ok)
        return Connected(flow: flow, access: access, refresh: refresh, owner: owner, member: member, memberEmail: memberEmail,
                         organizationID: organizationID)
    }

    /// The access token is refused at the MCP endpoint, the refresh token at the token
    /// endpoint, and no grant of the workspace stands.
    static func expectRevoked(_ app: Application, _ connected: Connected, status: HTTPStatus = .unauthorized,
                              sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let call = try await connected.flow.call(connected.access)
        #expect(call.status == status, "MCP call: \(call.body.string.prefix(200))", sourceLocation: sourceLocation)
        let refreshed = try await connected.flow.token(["grant_type": "refresh_token", "refresh_token": connected.refresh,
                                                        "client_id": connected.flow.clientID])
        #expect(refreshed.status == .badRequest, sourceLocation: sourceLocation)
        #expect(try AccountDataTests.json(refreshed)["error"] as? String == "invalid_grant", sourceLocation: sourceLocation)
        let grants = try await OAuthGrant.query(on: app.db).filter(\.$organization.$id == connected.organizationID).all()
        #expect(grants.allSatisfy { $0.revokedAt != nil }, "every grant of the workspace is revoked or gone", sourceLocation: sourceLocation)
        let live = try await OAuthToken.query(on: app.db).filter(\.$revokedAt == nil).all()
        #expect(live.isEmpty, "no live OAuth token is left", sourceLocation: sourceLocation)
    }

    @Test("removing a member revokes their OAuth grants and tokens for the workspace", arguments: TestDatabase.all)
    func removal(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let connected = try await Self.connectMember(app)
            let user = try await Workspaces.user(app, connected.memberEmail)
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id == connected.organizationID).first())
            let csrf = try #require(BrowserSession.csrfField(in: try await connected.owner.get("/settings").body.string))
            // when
            let removed = try await connected.owner.postForm("/settings/members/\(membership.id!)/remove", ["csrf": csrf])
            // then
            #expect(removed.status == .seeOther)
            try await Self.expectRevoked(app, connected)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "member.removed").first())
            #expect(event.metadata.contains(#""oauth_grants_revoked":"1""#))
        }
    }

    @Test("suspending a workspace revokes its OAuth grants and its API tokens (SECURITY.md 37)", arguments: TestDatabase.all)
    func suspension(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let connected = try await Self.connectMember(app)
            let apiToken = try await Hosting.token(connected.member)
            let (admin, adminEmail) = try await AccountDataTests.signedIn(app)
            _ = try await AdminTests.runAdmin(app, ["grant", adminEmail])
            let csrf = try #require(BrowserSession.csrfField(in: try await admin.get("/admin").body.string))
            // when
            let suspended = try await admin.postForm("/admin/orgs/\(connected.organizationID)/suspend", ["csrf": csrf])
            // then
            #expect(suspended.status == .seeOther)
            try await Self.expectRevoked(app, connected)
            let byToken = try await connected.flow.call(apiToken)
            #expect(byToken.status == .unauthorized)
            #expect(try AccountDataTests.json(byToken)["error"] as? String == "invalid_token")
        }
    }

    @Test("deleting an account revokes its OAuth grants and tokens", arguments: TestDatabase.all)
    func deletion(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let connected = try await Self.connectMember(app)
            let member = connected.member
            // when
            let deleted = try await member.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": member.csrfCookie ?? ""],
                                                body: ByteBuffer(string: #"{"confirm":"\#(connected.memberEmail)"}"#))
            // then
            #expect(deleted.status == .noContent)
            try await Self.expectRevoked(app, connected)
            #expect(try await OAuthGrant.query(on: app.db).count() == 0, "the person's grants are deleted with them")
            #expect(try await Organization.find(connected.organizationID, on: app.db) != nil, "the shared workspace stays")
        }
    }

    @Test("a membership gone by any path: bearer checks and the refresh grant refuse, API tokens too", arguments: TestDatabase.all)
    func lostMembership(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let connected = try await Self.connectMember(app)
            let created = try await connected.member.postObject("/v1/tokens", ["name": "both", "scopes": ["api", "mcp"]])
            let apiToken = try #require(try AccountDataTests.json(created)["token"] as? String)
            #expect(try await connected.flow.call(apiToken).status == .ok)
            let user = try await Workspaces.user(app, connected.memberEmail)
            // when the row goes without any of the app's own paths
            try await Membership.query(on: app.db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id == connected.organizationID).delete()
            // then, once the second this instance keeps a caller is over (another path cannot tell it)
            try await Task.sleep(for: app.callers.lifetime)
            try await Self.expectRevoked(app, connected)
            #expect(try await connected.flow.call(apiToken).status == .unauthorized)
            let api = try await app.testing().sendRequest(.GET, "/v1/servers", headers: ["Authorization": "Bearer \(apiToken)"])
            #expect(api.status == .unauthorized)
        }
    }
}
