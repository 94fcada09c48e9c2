@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Admin and suspension")
struct AdminTests {
    static func runAdmin(_ app: Application, _ arguments: [String]) async throws -> String {
        let console = CapturingConsole()
        var context = CommandContext(console: console, input: CommandInput(arguments: ["bmm"] + arguments))
        context.application = app
        try await AdminCommand().run(using: &context)
        return console.output
    }

    @Test("bmm admin grant/revoke, the hidden /admin page, and suspending a workspace", arguments: TestDatabase.all)
    func adminFlow(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (admin, adminEmail) = try await AccountDataTests.signedIn(app)
            let (member, memberEmail) = try await AccountDataTests.signedIn(app)

            // not an admin yet: the page does not exist for them
            #expect(try await admin.get("/admin").status == .notFound)
            let granted = try await Self.runAdmin(app, ["grant", adminEmail.uppercased()])
            #expect(granted.contains("is now a platform administrator"))
            let page = try await admin.get("/admin")
            #expect(page.status == .ok)
            #expect(page.body.string.contains(memberEmail))
            let search = try await admin.get(SiteRoute.admin.path(QueryString([("q", String(memberEmail.prefix(12)))])))
            #expect(search.body.string.contains(memberEmail))
            #expect(!search.body.string.contains("<td>\(adminEmail)</td>"))
            // the search is literal and ignores case on both databases: `%` and `_` are not wildcards
            let upper = try await admin.get(SiteRoute.admin.path(QueryString([("q", String(memberEmail.prefix(12)).uppercased())])))
            #expect(upper.body.string.contains(memberEmail))
            for wildcard in ["%", "_", "\\"] {
                let literal = try await admin.get(SiteRoute.admin.path(QueryString([("q", wildcard)])))
                #expect(literal.status == .ok)
                #expect(!literal.body.string.contains(memberEmail), "\(wildcard) matched as a wildcard")
            }
            #expect(page.body.string.contains("<td>\(adminEmail)</td>"))
            #expect(try await member.get("/admin").status == .notFound)
            // a workspace row names its owner and id, and an owner's address finds their workspace: names are
            // anyone's to choose, so two rows of one name must be told apart
            let memberWorkspace = try await Workspaces.organizationID(member)
            let byOwner = try await admin.get(SiteRoute.admin.path(QueryString([("q", memberEmail)]))).body.string
            #expect(byOwner.contains("Id: <code>\(memberWorkspace.uuidString)</code>"), "\(byOwner)")
            #expect(byOwner.contains("Owner: <bdi>\(memberEmail)</bdi>"))
            #expect(!byOwner.contains("Showing the newest"), "everything that matches is listed")

            // suspend the member's workspace
            let user = try #require(try await User.query(on: app.db).filter(\.$email == memberEmail).first())
            let organizationID = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!).first()?.$organization.id)
            let csrf = try #require(BrowserSession.csrfField(in: page.body.string))
            // a token the member made before: it works until the suspension
            let madeBefore = try await member.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": member.csrfCookie ?? ""],
                                                   body: ByteBuffer(string: #"{"name":"script","scopes":["api"]}"#))
            let script = try #require(try AccountDataTests.json(madeBefore)["token"] as? String)
            #expect(try await TokenScopeTests.bearer(app, .GET, "/v1/servers", script).status == .ok)
            let memberTries = try await member.postForm("/admin/orgs/\(organizationID)/suspend", ["csrf": member.csrfCookie ?? ""])
            #expect(memberTries.status == .notFound)
            let suspended = try await admin.postForm("/admin/orgs/\(organizationID)/suspend", ["csrf": csrf])
            #expect(suspended.status == .seeOther)

            // the workspace's sessions end (SECURITY.md 4); signed in again, its page says it is suspended,
            // reads work, and changes answer 403 org_suspended
            #expect(try await member.get("/v1/auth/me").status == .unauthorized)
            let rejoined = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(rejoined, email: memberEmail)
            #expect(try await rejoined.get("/v1/auth/me").status == .ok)
            #expect(try await rejoined.get("/dashboard").body.string.contains("This workspace is suspended"))
            let blocked = try await rejoined.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": rejoined.csrfCookie ?? ""],
                                                body: ByteBuffer(string: #"{"name":"x"}"#))
            #expect(blocked.status == .forbidden)
            #expect(try AccountDataTests.json(blocked)["error"] as? String == "org_suspended")
            // the workspace's tokens are revoked (SECURITY.md 37), and do not come back with reinstatement
            #expect(try await APIToken.query(on: app.db).count() == 0)
            #expect(try await TokenScopeTests.bearer(app, .GET, "/v1/servers", script).status == .unauthorized)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "org.suspended").first())
            #expect(event.metadata.contains("\"api_tokens_revoked\":\"1\""), "\(event.metadata)")

            _ = try await admin.postForm("/admin/orgs/\(organizationID)/unsuspend", ["csrf": csrf])
            #expect(try await rejoined.get("/dashboard").body.string.contains("This workspace is suspended") == false)
            let allowed = try await rejoined.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": rejoined.csrfCookie ?? ""],
                                                body: ByteBuffer(string: #"{"name":"x"}"#))
            #expect(allowed.status == .created)
            #expect(try await TokenScopeTests.bearer(app, .GET, "/v1/servers", script).status == .unauthorized)

            let again = try await Self.runAdmin(app, ["grant", adminEmail])
            #expect(again.contains("already a platform administrator; nothing changed"))
            let revoked = try await Self.runAdmin(app, ["revoke", adminEmail])
            #expect(revoked.contains("no longer"))
            #expect(revoked.contains("now has no administrator"), "the last one went")
            #expect(try await admin.get("/admin").status == .notFound)
            #expect(try await Self.runAdmin(app, ["revoke", adminEmail]).contains("not a platform administrator; nothing changed"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["admin.granted", "admin.revoked"]).count() == 2, "no event for a change that did not happen")
        }
    }

    @Test("an administrator whose own workspace is suspended can still act as one, and lift it", arguments: TestDatabase.all)
    func suspendedAdminIsNotLockedOut(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given an administrator who suspended the workspace their browser is in
            let (admin, email) = try await AccountDataTests.signedIn(app)
            _ = try await Self.runAdmin(app, ["grant", email])
            let own = try await Workspaces.organizationID(admin)
            let csrf = try #require(BrowserSession.csrfField(in: try await admin.get("/admin").body.string))
            #expect(try await admin.postForm("/admin/orgs/\(own)/suspend", ["csrf": csrf]).status == .seeOther)
            #expect(try await Organization.find(own, on: app.db)?.suspendedAt != nil)
            // then their session ended with the workspace's; signed in again, the workspace's own changes are refused,
            // and the admin actions are not
            #expect(try await admin.get("/admin").status != .ok)
            let again = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(again, email: email)
            let csrfAgain = try #require(BrowserSession.csrfField(in: try await again.get("/admin").body.string))
            #expect(try await again.postForm("/settings/workspace", ["name": "Renamed", "csrf": csrfAgain]).status == .forbidden)
            #expect(try await again.postForm("/admin/orgs/\(own)/unsuspend", ["csrf": csrfAgain]).status == .seeOther)
            #expect(try await Organization.find(own, on: app.db)?.suspendedAt == nil)
        }
    }

    @Test("a list cut at its limit says how many match and how to find the others")
    func cutListsSaySo() {
        #expect(AdminController.cut(100, of: 240, "people") == "Showing the newest 100 of 240 people. Search by name, email or phone to find the others.")
        #expect(AdminController.cut(7, of: 7, "workspaces") == nil)
    }

    @Test("admin commands explain mistakes", arguments: TestDatabase.all)
    func adminErrors(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            await #expect(throws: AdminCommand.AdminError.self) { try await Self.runAdmin(app, ["grant", "nobody@example.com"]) }
            await #expect(throws: AdminCommand.AdminError.self) { try await Self.runAdmin(app, ["promote", "x@example.com"]) }
        }
    }

    @Test("a suspended workspace can still sign out and delete its account", arguments: TestDatabase.all)
    func suspendedCanLeave(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (member, email) = try await AccountDataTests.signedIn(app)
            let organization = try #require(try await Organization.query(on: app.db).first())
            organization.suspendedAt = Date()
            try await organization.save(on: app.db)
            // stopping payment stays possible: cancelling is refused for its own reasons (no subscription), not the suspension
            let cancel = try await member.send(.POST, "/v1/billing/cancel", headers: ["Content-Type": "application/json", "X-CSRF-Token": member.csrfCookie ?? ""],
                                               body: ByteBuffer(string: "{}"))
            #expect(try AccountDataTests.json(cancel)["error"] as? String != "org_suspended", "\(cancel.body.string)")
            let portal = try await member.send(.POST, "/v1/billing/portal", headers: ["Content-Type": "application/json", "X-CSRF-Token": member.csrfCookie ?? ""],
                                               body: ByteBuffer(string: "{}"))
            #expect(try AccountDataTests.json(portal)["error"] as? String != "org_suspended", "\(portal.body.string)")
            let deleted = try await member.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": member.csrfCookie ?? ""],
                                                body: ByteBuffer(string: #"{"confirm":"\#(email)"}"#))
            #expect(deleted.status == .noContent)
        }
    }

    @Test("deleting the account of a suspended workspace and signing up again gives a suspended workspace, not a way out", arguments: TestDatabase.all)
    func suspensionOutlivesTheAccount(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given an owner whose only workspace an administrator suspended
            let (owner, email) = try await AccountDataTests.signedIn(app)
            let suspended = try await Workspaces.organizationID(owner)
            let organization = try #require(try await Organization.find(suspended, on: app.db))
            organization.suspendedAt = Date()
            try await organization.save(on: app.db)
            // when they delete the account and sign in again with the same address
            let deleted = try await owner.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": owner.csrfCookie ?? ""],
                                               body: ByteBuffer(string: #"{"confirm":"\#(email)"}"#))
            #expect(deleted.status == .noContent)
            #expect(try await SuspendedIdentity.query(on: app.db).count() == 1)
            #expect(try await SuspendedIdentity.query(on: app.db).all().allSatisfy { !$0.identityDigest.contains(email) }, "only a digest is kept")
            // (the deletion notice goes out first, so the sign-in link is the newest mail)
            for _ in 0..<100 where try await latestOutboxBody(app, to: email)?.contains("was deleted") != true {
                try await Task.sleep(for: .milliseconds(50))
            }
            let again = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(again, email: email)
            // then the new workspace starts suspended, and says why in its log
            let fresh = try await Workspaces.organizationID(again)
            #expect(fresh != suspended)
            #expect(try await Organization.find(fresh, on: app.db)?.suspendedAt != nil)
            let blocked = try await again.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": again.csrfCookie ?? ""],
                                               body: ByteBuffer(string: #"{"name":"x"}"#))
            #expect(try AccountDataTests.json(blocked)["error"] as? String == "org_suspended")
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$organizationID == fresh).filter(\.$action == "org.suspended").first())
            #expect(event.metadata.contains(organization.name), "\(event.metadata)")
            // when an administrator lifts the new workspace's suspension, the carried one goes with it
            let (admin, adminEmail) = try await AccountDataTests.signedIn(app)
            _ = try await Self.runAdmin(app, ["grant", adminEmail])
            let csrf = try #require(BrowserSession.csrfField(in: try await admin.get("/admin").body.string))
            #expect(try await admin.postForm("/admin/orgs/\(fresh)/unsuspend", ["csrf": csrf]).status == .seeOther)
            #expect(try await SuspendedIdentity.query(on: app.db).count() == 0)
            // and someone else signing up is not affected
            let (other, _) = try await AccountDataTests.signedIn(app)
            #expect(try await Organization.find(try await Workspaces.organizationID(other), on: app.db)?.suspendedAt == nil)
        }
    }

    @Test("a member of a suspended workspace can still join another, switch to their own, leave it and edit their profile; nothing of the workspace changes",
          arguments: TestDatabase.all)
    func suspendedMemberMovesOn(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a member whose browser is in a workspace an administrator suspended, and an invitation to a third
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let shared = try await Workspaces.organizationID(owner)
            let memberEmail = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
            let user = try await Workspaces.user(app, memberEmail)
            let own = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id != shared).first()?.$organization.id)
            let (third, _) = try await AccountDataTests.signedIn(app)
            let thirdID = try await Workspaces.organizationID(third)
            let invitation = try await Workspaces.invite(third, memberEmail)
            let organization = try #require(try await Organization.find(shared, on: app.db))
            organization.suspendedAt = Date()
            try await organization.save(on: app.db)
            let csrf = try #require(BrowserSession.csrfField(in: try await member.get("/settings").body.string))

            // the workspace itself stays unchanged
            let rename = try await member.postForm("/settings/workspace", ["name": "Renamed", "csrf": csrf])
            #expect(rename.status == .forbidden)
            #expect(try await Organization.find(shared, on: app.db)?.name == organization.name)

            // the person's own things: another workspace's invitation, their profile, their own workspace, leaving
            try await Workspaces.accept(member, invitation)
            #expect(try await Workspaces.organizationID(member) == thirdID)
            #expect(try await member.postForm("/settings/workspace/switch", ["organization": shared.uuidString, "csrf": csrf]).status == .seeOther)
            #expect(try await member.postForm("/settings/profile", ["displayName": "Dana", "csrf": csrf]).status == .seeOther)
            #expect(try await Workspaces.user(app, memberEmail).displayName == "Dana")
            #expect(try await member.postForm("/settings/workspace/switch", ["organization": own.uuidString, "csrf": csrf]).status == .seeOther)
            #expect(try await Workspaces.organizationID(member) == own)
            #expect(try await member.postForm("/settings/workspace/switch", ["organization": shared.uuidString, "csrf": csrf]).status == .seeOther)
            #expect(try await Workspaces.organizationID(member) == shared)
            #expect(try await member.postForm("/settings/workspace/leave", ["csrf": csrf]).status == .seeOther)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == shared).filter(\.$user.$id == user.id!).count() == 0)
        }
    }
}
