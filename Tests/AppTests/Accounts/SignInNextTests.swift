@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Where sign-in continues is kept on the server, for email and SMS alike")
struct SignInNextTests {
    @Test("email: next survives the emailed link, which does not carry it", arguments: TestDatabase.all)
    func emailKeepsNext(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a signed-out person sent to sign in on their way to /servers
            let browser = BrowserSession(app)
            let email = AccountsTests.uniqueEmail()
            let login = try await browser.get("/login?next=%2Fservers%3Fview%3Dall")
            let csrf = try #require(BrowserSession.csrfField(in: login.body.string))
            #expect(try await browser.postForm("/login/email", ["email": email, "csrf": csrf, "next": "/servers?view=all"]).status == .seeOther)
            // when they open the emailed link
            let body = try #require(try await latestOutboxBody(app, to: email.lowercased()))
            let link = try #require(DevOutboxController.firstLink(in: body))
            #expect(!link.contains("next") && !link.contains("servers"), "the link carries only its token: \(link)")
            let confirm = try await browser.get(String(link.dropFirst(app.publicSite.baseURL.count)))
            let token = try #require(HTMLInspector(html: confirm.body.string).tags("input").first { $0.attributes["name"] == "token" }?.attributes["value"])
            let signedIn = try await browser.postForm("/auth/magic", ["token": token, "csrf": csrf])
            // then they land where they were going
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/servers?view=all")
        }
    }

    @Test("SMS: next comes from the attempt, not from the code form", arguments: TestDatabase.all)
    func smsKeepsNext(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/login?next=/settings").body.string))
            let national = "79 " + String(Int.random(in: 100...999)) + " 11 22"
            let e164 = "+41" + national.replacingOccurrences(of: " ", with: "")
            #expect(try await browser.postForm("/login/sms", ["country": "CH", "national": national, "csrf": csrf, "next": "/settings"]).status == .seeOther)
            let code = String(try #require(try await latestOutboxBody(app, to: e164)).prefix(6))
            // a next= smuggled into the code form is ignored
            let signedIn = try await browser.postForm("/login/sms/verify", ["phone": e164, "code": code, "csrf": csrf, "next": "/servers"])
            #expect(signedIn.headers.first(name: .location) == "/settings")
        }
    }

    @Test("a stored next is checked again when used: only local paths", arguments: TestDatabase.all)
    func storedNextIsChecked(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let email = AccountsTests.uniqueEmail()
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/login").body.string))
            _ = try await browser.postForm("/login/email", ["email": email, "csrf": csrf, "next": "//evil.example/x"])
            let challenge = try #require(try await LoginChallenge.query(on: app.db).filter(\.$target == email.lowercased()).first())
            #expect(challenge.next == "/dashboard", "refused before it is stored")
        }
    }

    @Test("the sign-in page says what signing in is for when an app is being connected", arguments: TestDatabase.all)
    func purpose(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a server, and an app registered to connect to it
            let flow = try await OAuthTests.setUp(app)
            let server = try #require(try await HostedServer.find(flow.server, on: app.db))
            // when a signed-out person follows the app's authorization link
            let stranger = BrowserSession(app)
            let authorize = try await stranger.get(flow.authorizeQuery())
            #expect(authorize.status == .seeOther)
            let login = try await stranger.get(try #require(authorize.headers.first(name: .location)))
            // then the page names the app, and the server without its name (anyone may open this page with any
            // endpoint's address; the consent page, after sign-in, names it)
            let page = HTMLInspector(html: login.body.string)
            #expect(page.texts("h1").first == "Sign in to connect Test client to your MCP server")
            #expect(!login.body.string.contains(server.name))
            #expect(page.title?.hasPrefix("Sign in to connect Test client") == true)
        }
    }
}

@Suite("A form posted after the session ended: sign in, then back to the page the form was on")
struct ExpiredFormTests {
    @Test("a server tab's form returns to that tab; another site's Referer, or none, to the section", arguments: TestDatabase.all)
    func backToTheForm(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(browser)
            let settings = SiteRoute.server(.value(server), .settings).path
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(settings).body.string))
            // when the session ends (signed out elsewhere) and the tab's form is posted
            try await Session.query(on: app.db).delete()
            let base = app.publicSite.baseURL
            func post(referer: String?) async throws -> String? {
                var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
                if let referer { headers.add(name: .referer, value: referer) }
                let answer = try await browser.send(.POST, settings, headers: headers, body: ByteBuffer(string: "csrf=\(csrf)&name=Renamed&domains="))
                #expect(answer.status == .seeOther)
                return answer.headers.first(name: .location)
            }
            // then sign-in continues at the tab
            #expect(try await post(referer: base + settings) == "/login?" + QueryString([("next", settings)]).text)
            #expect(try await post(referer: base + settings + "?notice=x") == "/login?" + QueryString([("next", settings + "?notice=x")]).text)
            let section = "/login?" + QueryString([("next", SiteRoute.servers.path)]).text
            #expect(try await post(referer: "https://evil.example" + settings) == section)
            #expect(try await post(referer: nil) == section)
            #expect(try await post(referer: base + "//evil.example/x") == section)
        }
    }

    @Test("a Settings form sent after the session ended signs in and returns to Settings; the API still answers 401",
          arguments: TestDatabase.all)
    func settingsFormSignsIn(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/settings").body.string))
            try await Session.query(on: app.db).delete()
            let base = app.publicSite.baseURL
            let form = try await browser.send(.POST, "/settings/profile", headers: ["Content-Type": "application/x-www-form-urlencoded", "Referer": base + "/settings"],
                                              body: ByteBuffer(string: "csrf=\(csrf)&displayName=Ada"))
            #expect(form.status == .seeOther)
            #expect(form.headers.first(name: .location) == "/login?" + QueryString([("next", "/settings")]).text)
            let api = try await browser.send(.PATCH, "/v1/account/profile", headers: ["Content-Type": "application/json", "X-CSRF-Token": csrf, "Referer": base + "/settings"],
                                             body: ByteBuffer(string: #"{"displayName":"Ada"}"#))
            #expect(api.status == .unauthorized)
        }
    }
}

@Suite("A page opened signed out: sign in, then that very page")
struct DeepLinkTests {
    @Test("a server's tab, a review step, a filtered audit log and a prompt link come back with their query", arguments: TestDatabase.all)
    func ownPage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let server = UUID().uuidString.lowercased()
            for page in ["/servers/\(server)/logs", "/servers/\(server)/playground?tool=add", "/servers/new/\(UUID().uuidString.lowercased())",
                         "/servers/new?prompt=Weather%20by%20city", "/audit?action=server.created", "/settings/billing?plan=team"] {
                let answer = try await browser.get(page)
                #expect(answer.status == .seeOther, "\(page)")
                let location = try #require(answer.headers.first(name: .location))
                let next = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "next" }?.value)
                #expect(next == page, "\(page) → \(location)")
            }
        }
    }
}
