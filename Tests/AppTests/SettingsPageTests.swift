@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Settings page (forms without JavaScript)")
struct SettingsPageTests {
    @Test("profile, token shown once, revoke, and the danger zone, all as plain forms")
    func forms() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (alice, email) = try await AccountDataTests.signedIn(app)
            let page = try await alice.get("/settings")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let csrf = try #require(BrowserSession.csrfField(in: page.body.string))

            let saved = try await alice.postForm("/settings/profile", ["displayName": "Alice", "csrf": csrf])
            #expect(saved.status == .seeOther)
            #expect(try await alice.get("/settings?saved=profile").body.string.contains("Profile saved."))
            let invalid = try await alice.postForm("/settings/profile", ["displayName": " ", "csrf": csrf])
            #expect(invalid.status == .unprocessableEntity)

            let created = try await alice.postForm("/settings/tokens", ["name": "laptop", "expiresInDays": "30", "csrf": csrf])
            #expect(created.status == .ok)
            let secret = try #require(created.body.string.components(separatedBy: "<code>bmm_").dropFirst().first?.components(separatedBy: "</code>").first)
            #expect(try await app.testing().sendRequest(.GET, "/v1/auth/me", headers: ["Authorization": "Bearer bmm_\(secret)"]).status == .ok)
            let again = try await alice.get("/settings")
            #expect(!again.body.string.contains(secret))
            #expect(again.body.string.contains("laptop"))

            let token = try #require(try await APIToken.query(on: app.db).first())
            let (bob, _) = try await AccountDataTests.signedIn(app)
            let bobCSRF = try #require(BrowserSession.csrfField(in: try await bob.get("/settings").body.string))
            let stolen = try await bob.postForm("/settings/tokens/\(token.id!)/revoke", ["csrf": bobCSRF])
            #expect(stolen.status == .notFound)
            #expect(try await APIToken.find(token.id, on: app.db) != nil)
            let revoked = try await alice.postForm("/settings/tokens/\(token.id!)/revoke", ["csrf": csrf])
            #expect(revoked.status == .seeOther)
            #expect(try await APIToken.find(token.id, on: app.db) == nil)

            let wrong = try await alice.postForm("/settings/delete", ["confirm": "nope", "csrf": csrf])
            #expect(wrong.status == .unprocessableEntity)
            #expect(wrong.body.string.contains("Type your email address"))
            let gone = try await alice.postForm("/settings/delete", ["confirm": email, "csrf": csrf])
            #expect(gone.status == .seeOther)
            #expect(gone.headers.first(name: .location) == "/")
            #expect(try await User.query(on: app.db).filter(\.$email == email).count() == 0)
            #expect(try await alice.get("/settings").status == .seeOther)
        }
    }
}

@Suite("Signed-in shell")
struct AppShellTests {
    @Test("app navigation marks the current page, the user menu shows who and which plan, the avatar colour is stable")
    func shell() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (alice, email) = try await AccountDataTests.signedIn(app)
            for (path, title) in [("/dashboard", "Overview"), ("/audit", "Audit"), ("/settings", "Settings")] {
                let page = HTMLInspector(html: try await alice.get(path).body.string)
                let current = page.tags("a").filter { $0.attributes["aria-current"] == "page" }.compactMap { $0.attributes["href"] }
                #expect(current.filter { $0 == path }.count == 2, "\(path): app nav and tab bar")
                #expect(page.texts("nav").contains { $0.contains(title) })
                #expect(page.h1Count == 1)
            }
            let html = try await alice.get("/dashboard").body.string
            #expect(html.contains(email))
            #expect(html.contains("badge badge-accent\">Hobby"))
            #expect(html.contains("avatar avatar-\(AppShellBuilder.avatarIndex(email))"))
            #expect(AppShellBuilder.avatarIndex(email.uppercased()) == AppShellBuilder.avatarIndex(email))
            #expect(!html.contains("href=\"/admin\""))
            // public pages stay the same for everyone: no shell, no personal data
            let pricing = try await alice.get("/pricing").body.string
            #expect(!pricing.contains(email))
            #expect(!pricing.contains("tab-bar"))
        }
    }
}
