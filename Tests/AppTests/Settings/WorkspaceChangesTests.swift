@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Workspace changes that must land on the workspace the person meant, and only when it can take them.
@Suite("Settings: stale tabs, suspended workspaces, repeated accepts and deleted workspaces")
struct WorkspaceChangesTests {
    @Test("a form from a tab opened before the browser switched workspaces changes nothing in the one switched to",
          arguments: TestDatabase.all)
    func staleTab(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a person in two workspaces, with a settings page open on the one they joined
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let shared = try await Workspaces.organizationID(owner)
            let email = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, email), as: email)
            let user = try await Workspaces.user(app, email)
            let own = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id != shared).first()?.$organization.id)
            let stalePage = try await member.get("/settings").body.string
            let csrf = try #require(BrowserSession.csrfField(in: stalePage))
            #expect(stalePage.contains(#"name="workspace" value="\#(shared.uuidString)""#))

            // when another tab switches to their own workspace, and the old tab's forms are sent
            #expect(try await member.postForm("/settings/workspace/switch", ["organization": own.uuidString, "csrf": csrf]).status == .seeOther)
            let leave = try await member.postForm("/settings/workspace/leave", ["csrf": csrf, "workspace": shared.uuidString])
            let rename = try await member.postForm("/settings/workspace", ["name": "Renamed", "csrf": csrf, "workspace": shared.uuidString])
            let invite = try await member.postForm("/settings/members", ["email": "x@example.com", "role": "owner", "csrf": csrf,
                                                                        "workspace": shared.uuidString])

            // then each is refused, saying why, and both workspaces are as they were
            for response in [leave, rename, invite] {
                #expect(response.status == .conflict)
                #expect(response.body.string.contains("this browser has since switched to"))
            }
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).count() == 2)
            #expect(try await Organization.find(own, on: app.db)?.name != "Renamed")
            #expect(try await Invitation.query(on: app.db).filter(\.$organization.$id == own).count() == 0)
            // and the same form from a fresh page works
            let fresh = try #require(BrowserSession.csrfField(in: try await member.get("/settings").body.string))
            let renamed = try await member.postForm("/settings/workspace", ["name": "Mine now", "csrf": fresh, "workspace": own.uuidString])
            #expect(renamed.status == .seeOther)
            #expect(try await Organization.find(own, on: app.db)?.name == "Mine now")
        }
    }

    @Test("an invitation to a workspace suspended since it was sent cannot be accepted; a second Accept of a used one lands on the dashboard",
          arguments: TestDatabase.all)
    func suspendedAndRepeated(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let organizationID = try await Workspaces.organizationID(owner)
            let first = AccountsTests.uniqueEmail().lowercased()
            let second = AccountsTests.uniqueEmail().lowercased()
            let firstLink = try await Workspaces.invite(owner, first)
            let secondLink = try await Workspaces.invite(owner, second)

            // a second click on Accept
            let joined = try await Workspaces.join(app, firstLink, as: first)
            let csrf = try #require(BrowserSession.csrfField(in: try await joined.get("/settings").body.string))
            let again = try await joined.postForm("/invite", ["token": firstLink.token, "csrf": csrf])
            #expect(again.status == .seeOther)
            #expect(again.headers.first(name: .location) == "/dashboard")

            // an invitation opened after the workspace was suspended
            let organization = try #require(try await Organization.find(organizationID, on: app.db))
            organization.suspendedAt = Date()
            try await organization.save(on: app.db)
            let invited = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(invited, email: second)
            let page = try await invited.get(secondLink.path)
            #expect(page.status == .forbidden)
            #expect(page.body.string.contains("is suspended, so it cannot take new members now"))
            let user = try await Workspaces.user(app, second)
            #expect(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).filter(\.$organization.$id == organizationID).count() == 0)
        }
    }

    @Test("in a suspended workspace a person can still sign out one other browser", arguments: TestDatabase.all)
    func suspendedEndsOneSession(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, email) = try await AccountDataTests.signedIn(app)
            let other = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(other, email: email)
            let organization = try #require(try await Organization.find(try await Workspaces.organizationID(browser), on: app.db))
            organization.suspendedAt = Date()
            try await organization.save(on: app.db)
            let user = try await Workspaces.user(app, email)
            let sessions = try await Session.query(on: app.db).filter(\.$user.$id == user.id!).all()
            #expect(sessions.count == 2)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/settings").body.string))
            let current = try await browser.get("/v1/auth/me") // the browser's own session stays
            #expect(current.status == .ok)
            let otherID = try #require(sessions.first { $0.tokenHash == SecretToken.sha256(other.sessionCookie ?? "") }?.id)
            let ended = try await browser.postForm("/settings/sessions/\(otherID.uuidString.lowercased())/end", ["csrf": csrf])
            #expect(ended.status == .seeOther, "\(ended.body.string.prefix(300))")
            #expect(try await Session.find(otherID, on: app.db) == nil)
        }
    }

    @Test("the last member deleting their account moves a removed member's browser to their own workspace, not out of the site",
          arguments: TestDatabase.all)
    func deletionKeepsOthersSignedIn(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a member removed from a workspace whose browser was still in it
            let (owner, ownerEmail) = try await AccountDataTests.signedIn(app)
            let workspace = try await Workspaces.organizationID(owner)
            let email = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, email), as: email)
            let user = try await Workspaces.user(app, email)
            try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).filter(\.$organization.$id == workspace).delete()
            #expect(try await Session.query(on: app.db).filter(\.$user.$id == user.id!).first()?.$organization.id == workspace)

            // when the owner, now its only member, deletes their account
            let deleted = try await owner.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": owner.csrfCookie ?? ""],
                                               body: ByteBuffer(string: #"{"confirm":"\#(ownerEmail)"}"#))
            #expect(deleted.status == .noContent)

            // then the removed member is still signed in, in a workspace of their own
            #expect(try await Organization.find(workspace, on: app.db) == nil)
            let me = try await member.get("/v1/auth/me")
            #expect(me.status == .ok)
            #expect(try await Workspaces.organizationID(member) != workspace)
        }
    }
}
