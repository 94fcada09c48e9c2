@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Leaving a shared workspace from Settings: what the person loses there, where their browser goes,
/// and the owner a workspace always keeps.
@Suite("Settings: leaving a workspace")
struct LeaveWorkspaceTests {
    @Test("a member leaves: their tokens there end, this browser moves to their own workspace, audited", arguments: TestDatabase.all)
    func memberLeaves(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a member with an API token in the shared workspace
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let shared = try await Workspaces.organizationID(owner)
            let memberEmail = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
            #expect(try await Workspaces.organizationID(member) == shared)
            let token = try await Hosting.token(member)
            let settings = try await member.get("/settings").body.string
            #expect(settings.contains("Leave workspace"))
            let csrf = try #require(BrowserSession.csrfField(in: settings))

            // when
            let left = try await member.postForm("/settings/workspace/leave", ["csrf": csrf])

            // then
            #expect(left.status == .seeOther)
            #expect(left.headers.first(name: .location) == "/settings?saved=left")
            #expect(try await member.get("/settings?saved=left").body.string.contains("You left the workspace."))
            let user = try await Workspaces.user(app, memberEmail)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == shared).filter(\.$user.$id == user.id!).count() == 0)
            #expect(try await Workspaces.organizationID(member) != shared)
            #expect(try await app.testing().sendRequest(.GET, "/v1/servers", headers: ["Authorization": "Bearer \(token)"]).status == .unauthorized)
            let audit = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "member.left").first())
            #expect(audit.organizationID == shared && audit.actorUserID == user.id)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == shared).count() == 1)
        }
    }

    @Test("the only owner is refused (409, the page says what to do) and has no Leave button; with a second owner they can leave",
          arguments: TestDatabase.all)
    func onlyOwner(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (owner, ownerEmail) = try await AccountDataTests.signedIn(app)
            let shared = try await Workspaces.organizationID(owner)
            let memberEmail = AccountsTests.uniqueEmail().lowercased()
            _ = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
            let page = try await owner.get("/settings").body.string
            #expect(!page.contains("Leave workspace"))
            let csrf = try #require(BrowserSession.csrfField(in: page))

            // when
            let refused = try await owner.postForm("/settings/workspace/leave", ["csrf": csrf])

            // then
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("only owner. Make another member an owner first"))
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == shared).count() == 2)

            // when the member becomes an owner too
            let member = try await Workspaces.user(app, memberEmail)
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == member.id!)
                .filter(\.$organization.$id == shared).first())
            #expect(try await owner.postForm("/settings/members/\(membership.id!)/owner", ["csrf": csrf]).status == .seeOther)
            #expect(try await owner.get("/settings").body.string.contains("Leave workspace"))
            let left = try await owner.postForm("/settings/workspace/leave", ["csrf": csrf])

            // then the workspace stays with the other owner; the leaver is in a workspace of their own
            #expect(left.status == .seeOther)
            let remaining = try await Membership.query(on: app.db).filter(\.$organization.$id == shared).all()
            #expect(remaining.map(\.$user.id) == [member.id])
            #expect(remaining.map(\.role) == ["owner"])
            let leaver = try await Workspaces.user(app, ownerEmail)
            let now = try await Workspaces.organizationID(owner)
            #expect(now != shared)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == now).filter(\.$user.$id == leaver.id!).count() == 1)
        }
    }
}
