@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Changing the sign-in email: a link to the new address, usable only by the account that asked, the old address
/// told afterwards; nothing on the page says whether another account has an address.
@Suite("Settings: changing the sign-in email")
struct EmailChangeTests {
    /// Posts the Settings email form.
    static func ask(_ browser: BrowserSession, _ email: String) async throws -> TestingHTTPResponse {
        let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/settings").body.string))
        return try await browser.postForm("/settings/email", ["email": email, "csrf": csrf])
    }

    /// The confirmation link's path in the newest email to `email`.
    static func link(_ app: Application, to email: String) async throws -> (path: String, token: String) {
        let body = try #require(try await latestOutboxBody(app, to: email))
        let url = try #require(DevOutboxController.firstLink(in: body))
        let path = String(url.dropFirst(app.publicSite.baseURL.count))
        let token = try #require(URLComponents(string: path)?.queryItems?.first { $0.name == "token" }?.value)
        return (path, token)
    }

    @Test("the link goes to the new address; confirming it moves sign-in there and tells the old address", arguments: TestDatabase.all)
    func change(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (browser, old) = try await AccountDataTests.signedIn(app)
            let user = try await Workspaces.user(app, old)
            let new = AccountsTests.uniqueEmail().lowercased()

            // when
            let asked = try await Self.ask(browser, new.uppercased())

            // then nothing changed yet; the new address has the link
            #expect(asked.status == .seeOther)
            #expect(asked.headers.first(name: .location) == "/settings?saved=email-sent")
            #expect(try await User.find(user.id, on: app.db)?.email == old)
            let link = try await Self.link(app, to: new)
            #expect(link.path.hasPrefix("/settings/email/confirm?token="))

            // and a sign-in link to the old address is on its way
            let pending = BrowserSession(app)
            let login = try await pending.get("/login")
            let loginCSRF = try #require(BrowserSession.csrfField(in: login.body.string))
            #expect(try await pending.postForm("/login/email", ["email": old, "csrf": loginCSRF, "next": "/dashboard"]).status == .seeOther)
            let oldBody = try #require(try await latestOutboxBody(app, to: old))
            let oldLink = try #require(DevOutboxController.firstLink(in: oldBody))

            // (another browser of the same account, signed in meanwhile)
            let second = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(second, email: old)
            #expect(try await second.get("/v1/auth/me").status == .ok)

            // when the link is opened and confirmed
            let page = try await browser.get(link.path)
            #expect(page.status == .ok)
            #expect(page.body.string.contains(old) && page.body.string.contains(new))
            let csrf = try #require(BrowserSession.csrfField(in: page.body.string))
            let confirmed = try await browser.postForm("/settings/email/confirm", ["token": link.token, "csrf": csrf])

            // then
            #expect(confirmed.status == .seeOther)
            #expect(confirmed.headers.first(name: .location) == "/settings?saved=email-changed")
            #expect(try await User.find(user.id, on: app.db)?.email == new)
            // the old address's notice was queued with the change
            #expect(try await QueuedEmail.query(on: app.db).filter(\.$recipient == old).count() == 1)
            let notice = try #require(try await latestOutboxBody(app, to: old))
            #expect(notice.contains("now signs in with") && !notice.contains(new))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "account.email_changed").count() == 1)
            // every other browser is signed out; this one stays
            #expect(try await second.get("/v1/auth/me").status == .unauthorized)
            #expect(try await browser.get("/v1/auth/me").status == .ok)
            // the sign-in link sent to the old address no longer opens anything
            let staleToken = try #require(URLComponents(string: oldLink)?.queryItems?.first { $0.name == "token" }?.value)
            let stale = try await pending.postForm("/auth/magic", ["token": staleToken, "csrf": loginCSRF])
            #expect(stale.status == .badRequest || stale.body.string.contains("not valid"))
            #expect(try await User.query(on: app.db).filter(\.$email == old).count() == 0)
            // the link works once
            let again = try await browser.postForm("/settings/email/confirm", ["token": link.token, "csrf": csrf])
            #expect(again.status == .gone)
            // and the new address signs in to the same account
            let elsewhere = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(elsewhere, email: new)
            let me = try AccountDataTests.json(try await elsewhere.get("/v1/auth/me"))
            #expect((me["user"] as? [String: Any])?["id"] as? String == user.id?.uuidString)
        }
    }

    @Test("a display name nobody chose follows the new address, so the marketplace never names the old one; a chosen name stays",
          arguments: TestDatabase.all)
    func defaultNameFollows(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            for chosen in [nil, "Frank M."] as [String?] {
                // given an account whose display name is the default (its address's local part) or one it chose
                let (browser, old) = try await AccountDataTests.signedIn(app)
                let user = try await Workspaces.user(app, old)
                if let chosen {
                    user.displayName = chosen
                    try await user.save(on: app.db)
                }
                let before = try #require(try await User.find(user.id, on: app.db)).displayName
                #expect(TemplateAuthor.publicName(before, email: old) == (chosen ?? TemplateAuthor.anonymous))
                let new = "renamed." + AccountsTests.uniqueEmail().lowercased()

                // when the address changes
                _ = try await Self.ask(browser, new)
                let link = try await Self.link(app, to: new)
                let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(link.path).body.string))
                #expect(try await browser.postForm("/settings/email/confirm", ["token": link.token, "csrf": csrf]).status == .seeOther)

                // then the public author name is what it was: still anonymous, or still the chosen name
                let after = try #require(try await User.find(user.id, on: app.db))
                #expect(after.displayName == chosen ?? String(new.split(separator: "@")[0]))
                #expect(TemplateAuthor.publicName(after.displayName, email: after.email) == (chosen ?? TemplateAuthor.anonymous))
            }
        }
    }

    @Test("refusals keep what was typed: not an address, the same address (422 both)", arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, email) = try await AccountDataTests.signedIn(app)
            // when
            let invalid = try await Self.ask(browser, "not-an-address")
            let same = try await Self.ask(browser, email)
            // then
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains(#"value="not-an-address""#))
            #expect(invalid.body.string.contains(#"id="new-email-error""#))
            #expect(same.status == .unprocessableEntity)
            #expect(same.body.string.contains("already the email address you sign in with"))
            // an address too long is called that (it was cut to the field's length first, losing its @)
            let long = try await Self.ask(browser, String(repeating: "x", count: 300) + "@example.com")
            #expect(long.status == .unprocessableEntity)
            #expect(long.body.string.contains("too long"))
            #expect(try await EmailChange.query(on: app.db).count() == 0)
        }
    }

    @Test("a sign-in older than 15 minutes must be made again first: the page offers it, and back on Settings the change goes through",
          arguments: TestDatabase.all)
    func reauthentication(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            // given a session signed in 16 minutes ago
            let (browser, email) = try await AccountDataTests.signedIn(app)
            clock.advance(16 * 60)
            let new = AccountsTests.uniqueEmail().lowercased()
            // when it asks to move sign-in to another address
            let refused = try await Self.ask(browser, new)
            // then nothing is sent, and the page offers a sign-in link to the address signed in with now
            #expect(refused.status == .forbidden)
            #expect(refused.body.string.contains("needs a sign-in from the last 15 minutes"))
            #expect(try await latestOutboxBody(app, to: new) == nil)
            let form = HTMLInspector(html: refused.body.string)
            let hidden = form.tags("input").filter { $0.attributes["type"] == "hidden" }
            #expect(hidden.contains { $0.attributes["name"] == "email" && $0.attributes["value"] == email.lowercased() })
            #expect(hidden.contains { $0.attributes["name"] == "next" && $0.attributes["value"] == "/settings#new-email" })
            // when that sign-in is made (the form, then the emailed link in this browser)
            let sent = try await browser.postForm("/login/email", ["email": email, "next": "/settings#new-email", "csrf": try #require(browser.csrfCookie)])
            #expect(sent.status == .seeOther)
            let mail = try #require(try await latestOutboxBody(app, to: email.lowercased()))
            let signInLink = try #require(DevOutboxController.firstLink(in: mail))
            let token = try #require(URLComponents(string: signInLink)?.queryItems?.first { $0.name == "token" }?.value)
            let signedIn = try await browser.postForm("/auth/magic", ["token": token, "csrf": try #require(browser.csrfCookie)])
            #expect(signedIn.headers.first(name: .location) == "/settings#new-email")
            // then the change is asked for
            let asked = try await Self.ask(browser, new)
            #expect(asked.status == .seeOther)
            #expect(try await latestOutboxBody(app, to: new) != nil)
        }
    }

    @Test("another account's address: the same answer on the page, that address is told, nothing changes", arguments: TestDatabase.all)
    func addressTaken(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (browser, email) = try await AccountDataTests.signedIn(app)
            let (_, other) = try await AccountDataTests.signedIn(app)
            // when
            let asked = try await Self.ask(browser, other)
            // then
            #expect(asked.status == .seeOther)
            #expect(asked.headers.first(name: .location) == "/settings?saved=email-sent")
            let told = try #require(try await latestOutboxBody(app, to: other))
            #expect(told.contains("already belongs to an account") && DevOutboxController.firstLink(in: told) == nil)
            #expect(try await EmailChange.query(on: app.db).count() == 0)
            #expect(try await User.query(on: app.db).filter(\.$email == email).count() == 1)
        }
    }

    @Test("the link is only the asking account's, signs nobody in, expires after an hour; an address taken meanwhile is 409",
          arguments: TestDatabase.all)
    func linkRules(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            // given
            let (browser, email) = try await AccountDataTests.signedIn(app)
            let new = AccountsTests.uniqueEmail().lowercased()
            _ = try await Self.ask(browser, new)
            let link = try await Self.link(app, to: new)

            // when a signed-out visitor opens it: sign in first, then back here
            let signedOut = try await BrowserSession(app).get(link.path)
            #expect(signedOut.status == .seeOther)
            #expect(signedOut.headers.first(name: .location)?.hasPrefix("/login?next=/settings/email/confirm") == true)
            // when another account opens it
            let (other, _) = try await AccountDataTests.signedIn(app)
            let foreign = try await other.get(link.path)
            let foreignPost = try await other.postForm("/settings/email/confirm", ["token": link.token, "csrf": other.csrfCookie ?? ""])
            #expect(foreign.status == .forbidden && foreignPost.status == .forbidden)
            #expect(try await Workspaces.user(app, email).email == email)

            // when someone else signs up with the address before it is confirmed
            _ = try await AccountsTests.signInByEmail(BrowserSession(app), email: new)
            let taken = try await browser.postForm("/settings/email/confirm", ["token": link.token, "csrf": browser.csrfCookie ?? ""])
            #expect(taken.status == .conflict)
            #expect(try await User.query(on: app.db).filter(\.$email == email).count() == 1)

            // when a newer link is more than an hour old
            let later = AccountsTests.uniqueEmail().lowercased()
            _ = try await Self.ask(browser, later)
            let expiring = try await Self.link(app, to: later)
            clock.advance(3601)
            let expired = try await browser.get(expiring.path)
            #expect(expired.status == .gone)
            #expect(expired.body.string.contains("expired"))
            #expect(try await User.query(on: app.db).filter(\.$email == later).count() == 0)
        }
    }
}
