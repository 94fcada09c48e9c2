@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// The smaller account rules: ownership moves before the last owner leaves, nobody is
/// left without a workspace, refusals on other workspaces' resources are audited, and
/// the audit log outlives deleted accounts in anonymised form.
@Suite("Accounts: last owner, no workspace, refusals audited, audit kept")
struct AccountEdgeTests {
    static func deleteAccount(_ browser: BrowserSession, _ email: String) async throws -> TestingHTTPResponse {
        try await browser.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": browser.csrfCookie ?? ""],
                               body: ByteBuffer(string: #"{"confirm":"\#(email)"}"#))
    }

    @Test("the last owner cannot delete their account while others remain; after making another owner they can", arguments: TestDatabase.all)
    func lastOwner(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (owner, ownerEmail) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            let memberEmail = AccountsTests.uniqueEmail().lowercased()
            _ = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
            // when
            let refused = try await Self.deleteAccount(owner, ownerEmail)
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
            let refusedForm = try await owner.postForm("/settings/delete", ["confirm": ownerEmail, "csrf": csrf])
            // then
            #expect(refused.status == .conflict)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "transfer_ownership_first")
            #expect(refusedForm.status == .conflict)
            #expect(refusedForm.body.string.contains("Make one of them an owner"))
            #expect(try await User.query(on: app.db).filter(\.$email == ownerEmail).count() == 1)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID).count() == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.delete_refused").count() == 2)

            // when ownership moves first
            let member = try await Workspaces.user(app, memberEmail)
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == member.id!)
                .filter(\.$organization.$id == organizationID).first())
            #expect(try await owner.postForm("/settings/members/\(membership.id!)/owner", ["csrf": csrf]).status == .seeOther)
            // then the account can go, and the workspace stays with its new owner
            #expect(try await Self.deleteAccount(owner, ownerEmail).status == .noContent)
            let left = try await Membership.query(on: app.db).filter(\.$organization.$id == organizationID).all()
            #expect(left.map(\.role) == ["owner"])
            #expect(left.first?.$user.id == member.id)
        }
    }

    @Test("someone who belongs to no workspace gets a new personal one, signed in or signing in, not a 500", arguments: TestDatabase.all)
    func noWorkspace(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a person whose only membership is gone
            let (alice, email) = try await AccountDataTests.signedIn(app)
            let user = try await Workspaces.user(app, email)
            let first = try await Workspaces.organizationID(alice)
            try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).delete()
            // when they use their session
            let dashboard = try await alice.get("/dashboard")
            // then
            #expect(dashboard.status == .ok)
            let current = try await Workspaces.organizationID(alice)
            #expect(current != first)
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).all().map(\.role) == ["owner"])

            // when they sign in again with no workspace at all
            try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).delete()
            let again = BrowserSession(app)
            let signedIn = try await AccountsTests.signInByEmail(again, email: email)
            // then
            #expect(signedIn.status == .seeOther)
            #expect(try await again.get("/dashboard").status == .ok)
            #expect(try await User.query(on: app.db).filter(\.$email == email).count() == 1)
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).count() == 1)
        }
    }

    @Test("403 and 404 on another workspace's resources are in the audit log", arguments: TestDatabase.all)
    func refusalsAudited(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(alice)
            let (bob, _) = try await AccountDataTests.signedIn(app)
            let bobs = try await Workspaces.organizationID(bob)
            // when
            let page = try await bob.get("/servers/\(server)")
            let api = try await bob.get("/v1/servers/\(server)")
            let admin = try await bob.get("/admin")
            // then
            #expect([page.status, api.status, admin.status] == [.notFound, .notFound, .notFound])
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused").all()
            #expect(events.count == 3)
            #expect(events.allSatisfy { $0.organizationID == bobs && $0.metadata.contains(#""status":"404""#) })
            #expect(events.filter { $0.metadata.contains(server.uuidString.lowercased()) || $0.metadata.contains(server.uuidString) }.count == 2)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "access.refused").filter(\.$organizationID != bobs).count() == 0)
        }
    }

    @Test("deleting an account keeps its audit events, anonymised", arguments: TestDatabase.all)
    func auditKept(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given events of Alice's, one with an address
            let (alice, email) = try await AccountDataTests.signedIn(app)
            let user = try await Workspaces.user(app, email)
            let organizationID = try await Workspaces.organizationID(alice)
            let headers: HTTPHeaders = ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? "", "User-Agent": "audit-test/1.0"]
            _ = try await alice.send(.POST, "/v1/tokens", from: try SocketAddress(ipAddress: "203.0.113.7", port: 51_000), headers: headers,
                                     body: ByteBuffer(string: #"{"name":"t"}"#))
            let before = try await AuditEvent.query(on: app.db).filter(\.$organizationID == organizationID).count()
            #expect(before >= 3)
            // when
            #expect(try await Self.deleteAccount(alice, email).status == .noContent)
            // then
            let kept = try await AuditEvent.query(on: app.db).filter(\.$organizationID == organizationID).all()
            #expect(kept.count == before)
            #expect(kept.allSatisfy { $0.actorUserID == nil && $0.ip == nil && $0.userAgent == nil })
            // hers are marked a deleted account's; sign-in attempts on her account (her sign-up's request) had no actor
            #expect(kept.allSatisfy { $0.actorDeleted || SignInAudit.actions.contains($0.action) })
            #expect(kept.contains { $0.action == "auth.magic_link_requested" })
            // nothing left ties an event to her: not the deletion's own record, not an event about her account
            let id = user.id!.uuidString
            let all = try await AuditEvent.query(on: app.db).all()
            #expect(all.allSatisfy { $0.actorUserID != user.id && $0.resourceID?.uppercased() != id && !$0.metadata.uppercased().contains(id) })
            let record = try #require(all.first { $0.action == "account.deleted" })
            #expect(record.ip == nil && record.userAgent == nil && record.actorDeleted && record.resourceID == nil)
            #expect(!all.contains { $0.ip == "203.0.113.7" || $0.userAgent == "audit-test/1.0" })
        }
    }

    @Test("a member who deletes their account: the shared workspace's log says a member left, and their events read 'Deleted account'",
          arguments: TestDatabase.all)
    func memberDeletion(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given Dave's team, which Alice joined and renamed nothing in but signed in to
            let (dave, _) = try await AccountDataTests.signedIn(app)
            let team = try await Workspaces.organizationID(dave)
            let alice = try await Workspaces.join(app, try await Workspaces.invite(dave, "alice@example.com"), as: "alice@example.com")
            #expect(try await Workspaces.organizationID(alice) == team)
            // when she deletes her account
            #expect(try await Self.deleteAccount(alice, "alice@example.com").status == .noContent)
            // then the team's log records that a member left, by a deleted account, and shows her events as such
            let left = try #require(try await AuditEvent.query(on: app.db).filter(\.$organizationID == team).filter(\.$action == "member.left").first())
            #expect(left.actorDeleted && left.actorUserID == nil && left.ip == nil && left.metadata.contains("account_deleted"))
            let page = try await dave.get("/audit").body.string
            #expect(page.contains("Deleted account"))
            let joined = try #require((try AccountDataTests.json(try await dave.get("/v1/audit?action=member.joined"))["events"] as? [[String: Any]])?.first)
            #expect(joined["actorDeleted"] as? Bool == true && joined["actorUserId"] == nil)
        }
    }
}
