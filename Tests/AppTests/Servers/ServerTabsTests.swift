@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Server page tabs: a page per tab, the active one marked, forms back on their tab")
struct ServerTabsTests {
    /// The tab row's current link as (href, title), read from the `<nav aria-label="Server">`.
    static func currentTab(_ html: String) -> (href: String, title: String)? {
        guard let start = html.range(of: #"<nav class="server-tabs" aria-label="Server">"#),
              let end = html.range(of: "</nav>", range: start.upperBound..<html.endIndex) else { return nil }
        let nav = String(html[start.upperBound..<end.lowerBound])
        let current = nav.matches(of: #/<a href="([^"]+)"[^>]*aria-current="page">([^<]*)</a>/#)
        guard current.count == 1 else { return nil }
        return (String(current[0].output.1), String(current[0].output.2))
    }

    /// A section id each tab shows, and that no other tab shows.
    static let landmarks: [ServerTab: String] = [
        .overview: "endpoint-title", .tools: "tools-title", .playground: "playground-title", .logs: "calls-title",
        .secrets: "secrets-title", .versions: "iterate-title", .settings: "danger-title",
    ]

    @Test("each tab is its own page: 200, marked current in the tab row, its sections only, its script only", arguments: TestDatabase.all)
    func everyTab(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a live server
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let base = "/servers/\(id.uuidString.lowercased())"
            for tab in ServerTab.allCases {
                // when
                let path = tab == .overview ? base : base + "/" + tab.rawValue
                let page = try await browser.get(path)
                // then
                #expect(page.status == .ok, "\(path)")
                let html = page.body.string
                let current = Self.currentTab(html)
                #expect(current?.href == path)
                #expect(current?.title == tab.title)
                let links = HTMLInspector(html: html).tags("a").compactMap { $0.attributes["href"] }
                for other in ServerTab.allCases {
                    #expect(links.contains(other.path(id)), "\(tab) links to \(other)")
                    #expect(html.contains("id=\"\(Self.landmarks[other]!)\"") == (other == tab), "\(other)'s section on \(tab)")
                }
                let scripts = HTMLInspector(html: html).tags("script").compactMap { $0.attributes["src"] }.filter { $0.contains("/js/server-") }
                #expect(scripts == (tab.script.map { [app.publicSite.script($0)] } ?? []), "\(tab) loads \(scripts)")
                #expect(HTMLInspector(html: html).title?.hasPrefix(tab == .overview ? "Calculator" : "\(tab.title) · Calculator") == true)
            }
            // the live streams are wired on their tabs only
            #expect(try await browser.get(base + "/logs").body.string.contains("data-calls=\"/v1/servers/"))
            #expect(!(try await browser.get(base).body.string.contains("data-calls=")))
            #expect(try await browser.get(base).body.string.contains("data-build-log=\"/v1/servers/"))
            // a tab of someone else's server, or of none, is not found
            #expect(try await browser.get("/servers/\(UUID().uuidString.lowercased())/logs").status == .notFound)
            // a form's address opened as a page (the address bar after a refused form) is its tab, not a 405
            for (form, tab) in [("spec", ServerTab.versions), ("iterate", .versions), ("versions/1/activate", .versions),
                                ("install-token", .overview), ("delete", .settings)] {
                let opened = try await browser.get(base + "/" + form)
                #expect(opened.status == .seeOther, "\(form)")
                #expect(opened.headers.first(name: .location) == tab.path(id), "\(form)")
            }
            for form in ["/login/email", "/login/sms"] {
                #expect(try await BrowserSession(app).get(form).headers.first(name: .location) == "/login", "\(form)")
            }
        }
    }

    @Test("Logs pages back through older calls, 25 to a page, newest first; only the first page is live", arguments: TestDatabase.all)
    func logsPages(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given 60 recorded calls, call-0 the oldest
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for index in 0..<60 {
                let call = ToolCallRecord()
                call.$server.id = id
                call.$organization.id = server.$organization.id
                call.tool = "call-\(index)"
                call.at = start.addingTimeInterval(Double(index))
                call.durationMilliseconds = 1
                call.outcome = "ok"
                call.bytesIn = 0
                call.bytesOut = 0
                try await call.create(on: app.db)
            }
            let base = "/servers/\(id.uuidString.lowercased())/logs"
            func tools(_ html: String) -> [String] {
                html.matches(of: #/<code>(call-\d+)</code>/#).map { String($0.output.1) }
            }

            // when / then
            let first = try await browser.get(base).body.string
            #expect(tools(first) == (35..<60).reversed().map { "call-\($0)" })
            #expect(first.contains(#"href="\#(base)?page=2" rel="next">Older calls"#))
            #expect(!first.contains("rel=\"prev\"") && first.contains("data-calls="))
            let second = try await browser.get(base + "?page=2").body.string
            #expect(tools(second) == (10..<35).reversed().map { "call-\($0)" })
            #expect(second.contains(#"href="\#(base)" rel="prev">← Newer calls"#))
            #expect(!second.contains("data-calls="), "only the first page follows new calls")
            let last = try await browser.get(base + "?page=3").body.string
            #expect(tools(last) == (0..<10).reversed().map { "call-\($0)" })
            #expect(!last.contains("rel=\"next\""))
            let beyond = try await browser.get(base + "?page=9")
            #expect(beyond.status == .ok && beyond.body.string.contains("No calls this far back."))
            #expect(try await browser.get(base + "?page=-4").body.string.contains("call-59"))
        }
    }

    @Test("forms come back to their tab with their message: secret, settings, rollback; failures stay on the tab", arguments: TestDatabase.all)
    func formsReturnToTheirTab(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a live server that needs a secret
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, ServersAPITests.tokenSpec)
            let base = "/servers/\(id.uuidString.lowercased())"
            let csrf = try await IterationTests.csrf(browser, base)

            // when a secret is saved: back on Secrets with its notice
            let saved = try await browser.postForm(base + "/secrets", ["csrf": csrf, "key": "GITHUB_TOKEN", "value": "ghp_example"])
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location) == base + "/secrets?notice=secret")
            let secrets = try await browser.get(base + "/secrets?notice=secret").body.string
            #expect(secrets.contains("Secret saved."))
            #expect(Self.currentTab(secrets)?.title == "Secrets")
            // an empty field is refused on the tab and the stored value stays
            let empty = try await browser.postForm(base + "/secrets", ["csrf": csrf, "key": "GITHUB_TOKEN", "value": ""])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("Type the new value for GITHUB_TOKEN"))
            #expect(Self.currentTab(empty.body.string)?.title == "Secrets")
            let stored = try await ServerSecrets(database: app.db, box: app.secretBox).values(server: id, organization: try await Workspaces.organizationID(browser))
            #expect(stored["GITHUB_TOKEN"] == "ghp_example")

            // settings: refused on Settings, saved back to Settings with its notice
            let refused = try await browser.postForm(base + "/settings", ["csrf": csrf, "name": "Issues renamed", "domains": "api.github.com\nhttp://bad domain"])
            #expect(refused.status == .unprocessableEntity)
            #expect(Self.currentTab(refused.body.string)?.title == "Settings")
            // what was typed comes back in the fields
            let nameField = HTMLInspector(html: refused.body.string).tags("input").first { $0.attributes["id"] == "settings-name" }
            #expect(nameField?.attributes["value"] == "Issues renamed")
            #expect(refused.body.string.contains("api.github.com\nhttp://bad domain</textarea>"))
            let settings = try await browser.postForm(base + "/settings", ["csrf": csrf, "name": "Issues 2", "domains": "api.github.com"])
            #expect(settings.headers.first(name: .location) == base + "/settings?notice=settings")
            #expect(try await browser.get(base + "/settings?notice=settings").body.string.contains("Settings saved."))
            try await BuildRunner(app: app).drain()

            // rolling back: back on Versions with its notice
            let rolledBack = try await browser.postForm(base + "/versions/1/activate", ["csrf": csrf])
            #expect(rolledBack.headers.first(name: .location) == base + "/versions?notice=rollback")
            let versions = try await browser.get(base + "/versions?notice=rollback").body.string
            #expect(versions.contains("Version activated."))
            #expect(Self.currentTab(versions)?.title == "Versions")

            // a wrong delete confirmation stays on Settings; the playground answers on Playground
            let delete = try await browser.postForm(base + "/delete", ["csrf": csrf, "confirm": "nope"])
            #expect(delete.status == .unprocessableEntity)
            #expect(Self.currentTab(delete.body.string)?.title == "Settings")
            // said at the field, with what was typed
            let confirm = try #require(HTMLInspector(html: delete.body.string).tags("input").first { $0.attributes["id"] == "delete-confirm" })
            #expect(confirm.attributes["value"] == "nope" && confirm.attributes["aria-invalid"] == "true")
            #expect(confirm.attributes["aria-describedby"] == "delete-confirm-error")
            #expect(delete.body.string.contains(#"<p class="field-error" id="delete-confirm-error">"#))
            let ran = try await browser.postForm(base + "/playground", ["csrf": csrf, "tool": "nothing", "arguments": "{}"])
            #expect(Self.currentTab(ran.body.string)?.title == "Playground")
            #expect(ran.body.string.contains("There is no tool called nothing."))
            // choosing a tool without JavaScript stays on Playground
            let playground = try await browser.get(base + "/playground").body.string
            #expect(HTMLInspector(html: playground).tags("form").contains { $0.attributes["id"] == "tool-choice" && $0.attributes["action"] == base + "/playground" })
            // the install token is shown on Overview, with the snippets
            let token = try await browser.postForm(base + "/install-token", ["csrf": csrf])
            #expect(Self.currentTab(token.body.string)?.title == "Overview")
        }
    }
}
