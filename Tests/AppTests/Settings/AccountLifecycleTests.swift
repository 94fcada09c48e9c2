@testable import App
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

/// What the audit log, the data export and account deletion do with sign-in attempts, drafts, templates and
/// invitations: the person sees what concerns them, and deleting the account leaves nothing that names them.
@Suite("Accounts: sign-in attempts, the export and deletion")
struct AccountLifecycleTests {
    @Test("sign-in attempts on an account show in its workspace's log, the sign-up's own request included; the rest only to administrators",
          arguments: TestDatabase.all)
    func signInAttempts(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given alice's account, and someone else asking for a link to her address and opening it in a third browser
            let alice = try await ModerationFixtures.person(app)
            let stranger = BrowserSession(app)
            let login = try await stranger.get("/login")
            let csrf = try #require(BrowserSession.csrfField(in: login.body.string))
            #expect(try await stranger.postForm("/login/email", ["email": alice.email, "csrf": csrf, "next": "/dashboard"]).status == .seeOther)
            let mail = try #require(try await latestOutboxBody(app, to: alice.email))
            let link = try #require(DevOutboxController.firstLink(in: mail))
            let elsewhere = BrowserSession(app)
            let confirm = try await elsewhere.get(String(link.dropFirst(app.publicSite.baseURL.count)))
            let token = try #require(HTMLInspector(html: confirm.body.string).tags("input").first { $0.attributes["name"] == "token" }?.attributes["value"])
            let elsewhereCSRF = try #require(BrowserSession.csrfField(in: confirm.body.string))
            #expect(try await elsewhere.postForm("/auth/magic", ["token": token, "csrf": elsewhereCSRF]).status == .badRequest)
            // and a link that was never sent
            #expect(try await elsewhere.postForm("/auth/magic", ["token": "never-sent", "csrf": elsewhereCSRF]).status == .badRequest)

            // when alice reads her workspace's log
            let log = try AccountDataTests.json(try await alice.browser.get("/v1/audit?limit=200"))
            let events = try #require(log["events"] as? [[String: Any]])

            // then the sign-up's request, the stranger's request and the failed attempt are there, about her account
            let about = events.filter { $0["resourceId"] as? String == alice.user.id?.uuidString }
            #expect(about.filter { $0["action"] as? String == "auth.magic_link_requested" }.count == 2)
            let failed = try #require(about.first { $0["action"] as? String == "auth.sign_in_failed" })
            #expect((failed["metadata"] as? [String: String])?["reason"] == "wrong_browser")
            #expect(!events.contains { ($0["metadata"] as? [String: String])?["reason"] == "unknown_link" })

            // and the link that was never sent is on the platform log, which only administrators open
            #expect(try await alice.browser.get("/admin/audit").status == .notFound)
            let admin = try await ModerationFixtures.person(app, admin: true)
            let platform = try await admin.browser.get("/admin/audit?action=auth.sign_in_failed")
            #expect(platform.status == .ok)
            #expect(platform.body.string.contains("unknown_link"))
            #expect(!platform.body.string.contains("wrong_browser"))
            #expect(try await admin.browser.get("/admin").body.string.contains("href=\"/admin/audit\""))
        }
    }

    @Test("the export holds the person's prompts, templates, reports, invitations received and the events about them",
          arguments: TestDatabase.all)
    func exportHoldsWhatThePersonWrote(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given bob drafted from a description, and was invited to alice's workspace
            let alice = try await ModerationFixtures.person(app)
            let bob = try await ModerationFixtures.person(app)
            #expect(try await bob.browser.postObject("/v1/servers/preview", ["prompt": "a calculator for Privatename Lane"]).status == .created)
            let link = try await Workspaces.invite(alice.browser, bob.email)
            try await Workspaces.accept(bob.browser, link)

            // when
            let export = try AccountDataTests.json(try await bob.browser.get("/v1/account/export"))

            // then
            let drafts = try #require(export["drafts"] as? [[String: Any]])
            #expect(drafts.map { $0["prompt"] as? String } == ["a calculator for Privatename Lane"])
            let received = try #require(export["invitationsReceived"] as? [[String: Any]])
            #expect(received.count == 1 && received.first?["acceptedAt"] != nil)
            #expect((export["auditEventsAboutYou"] as? [[String: Any]])?.contains { $0["action"] as? String == "auth.magic_link_requested" } == true)
            for key in ["templatesPublished", "reportsFiled"] {
                #expect(export[key] as? [Any] != nil, "\(key) is listed")
            }
        }
    }

    @Test("deleting the account removes the address from accepted invitations, the id from builds, and the address from sign-in attempts",
          arguments: TestDatabase.all)
    func deletionLeavesNothingNamingThePerson(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given bob joined alice's workspace, built a server there, and changed his address since
            let alice = try await ModerationFixtures.person(app)
            let bob = try await ModerationFixtures.person(app)
            let link = try await Workspaces.invite(alice.browser, bob.email)
            try await Workspaces.accept(bob.browser, link)
            let server = try await Hosting.createAndBuild(bob.browser)
            let bobID = try bob.user.requireID()
            #expect(try await Build.query(on: app.db).filter(\.$requestedBy == bobID).count() > 0)
            let newEmail = AccountsTests.uniqueEmail().lowercased()
            _ = try await EmailChangeTests.ask(bob.browser, newEmail)
            let confirm = try await EmailChangeTests.link(app, to: newEmail)
            let csrf = try #require(BrowserSession.csrfField(in: try await bob.browser.get(confirm.path).body.string))
            #expect(try await bob.browser.postForm("/settings/email/confirm", ["token": confirm.token, "csrf": csrf]).status == .seeOther)
            #expect(try await Invitation.query(on: app.db).filter(\.$email == newEmail).count() == 1, "the accepted invitation follows the address")

            // when he deletes his account
            let deleted = try await bob.browser.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": bob.browser.csrfCookie ?? ""],
                                                     body: ByteBuffer(string: #"{"confirm":"\#(newEmail)"}"#))
            #expect(deleted.status == .noContent)

            // then the shared workspace keeps the server, but nothing that names him
            #expect(try await HostedServer.find(server, on: app.db) != nil)
            #expect(try await Invitation.query(on: app.db).group(.or) { $0.filter(\.$email == newEmail).filter(\.$email == bob.email) }.count() == 0)
            #expect(try await Build.query(on: app.db).filter(\.$requestedBy == bobID).count() == 0)
            let attempts = try await AuditEvent.query(on: app.db).filter(\.$action ~~ SignInAudit.actions).all()
            #expect(!attempts.contains { $0.resourceID == bobID.uuidString })
            #expect(attempts.filter { $0.resourceType == "user" && $0.resourceID == nil }.allSatisfy { $0.ip == nil && $0.userAgent == nil })
            #expect(attempts.contains { $0.resourceType == "user" && $0.resourceID == nil }, "his attempts are kept, anonymised")
        }
    }
}
