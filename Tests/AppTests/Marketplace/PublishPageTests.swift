@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Publishing from the server's Publish page and the wizard's done page; the owner's edit page")
struct PublishPageTests {
    @Test("the Publish page: honest copy, prefilled form, findings shown with nothing lost, then published", arguments: TestDatabase.all)
    func publishPage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(browser)
            let serverPath = "/servers/\(id.uuidString.lowercased())"
            // the server page links to the Publish page
            let server = try await browser.get(serverPath)
            #expect(HTMLInspector(html: server.body.string).tags("a").contains { $0.attributes["href"] == serverPath + "/publish" })
            // given the form
            let page = try await browser.get(serverPath + "/publish")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("The code and tool definitions become public. Secret values never leave your workspace; only the hints you write here are shown."))
            let inputs = HTMLInspector(html: html).tags("input")
            #expect(inputs.first { $0.attributes["name"] == "title" }?.attributes["value"] == "Weather")
            #expect(inputs.first { $0.attributes["name"] == "hint_WEATHER_KEY_url" }?.attributes["value"] == "https://weather.example.com/keys")
            #expect(HTMLInspector(html: html).tags("option").count == TemplateCategory.allCases.count)
            #expect(html.contains("Forecasts for any city.</textarea>"))
            #expect(!html.contains("s3cret-weather-value"))
            let csrf = try #require(BrowserSession.csrfField(in: html))
            // when the description carries the server's secret value
            var fields = ["csrf": csrf, "title": "My weather", "category": "data", "summary": "Forecasts.",
                          "description": "Try it with s3cret-weather-value", "hint_WEATHER_KEY_description": "Sign up",
                          "hint_WEATHER_KEY_url": "https://weather.example.com/signup"]
            let blocked = try await browser.postForm(serverPath + "/publish", fields)
            // then the form comes back with the finding, and what was typed (minus nothing)
            #expect(blocked.status == .unprocessableEntity)
            let again = blocked.body.string
            #expect(again.contains("id=\"publish-findings\""))
            #expect(again.contains("<code>description</code>"))
            #expect(again.contains("contains the value of one of this server&#39;s secrets") || again.contains("contains the value of one of this server's secrets"))
            let kept = HTMLInspector(html: again).tags("input")
            #expect(kept.first { $0.attributes["name"] == "title" }?.attributes["value"] == "My weather")
            #expect(kept.first { $0.attributes["name"] == "hint_WEATHER_KEY_description" }?.attributes["value"] == "Sign up")
            #expect(HTMLInspector(html: again).tags("option").first { $0.attributes["selected"] != nil }?.attributes["value"] == "data")
            #expect(try await Template.query(on: app.db).count() == 0)
            // a validation error names the field
            fields["description"] = "Ask for a forecast."
            fields["title"] = ""
            let invalid = try await browser.postForm(serverPath + "/publish", fields)
            #expect(invalid.status == .unprocessableEntity)
            #expect(HTMLInspector(html: invalid.body.string).tags("input").first { $0.attributes["name"] == "title" }?.attributes["aria-invalid"] == "true")
            // when fixed, it is published and the browser goes to the template's page
            fields["title"] = "My weather"
            let published = try await browser.postForm(serverPath + "/publish", fields)
            #expect(published.status == .seeOther)
            #expect(published.headers.first(name: .location) == "/templates/my-weather")
            let template = try await Publishing.template(app, "my-weather")
            #expect(template.descriptionMarkdown == "Ask for a forecast.")
            // then the tab shows the template; an unchanged server has no version to publish
            let tab = try await browser.get(serverPath + "/publish").body.string
            #expect(tab.contains("id=\"published-template\""))
            #expect(!tab.contains("id=\"publish-form\""))
            #expect(!tab.contains("id=\"publish-version-form\""))
            #expect(tab.contains("/templates/my-weather/edit"))
        }
    }

    @Test("the tab offers \"Publish version N as vM\" once the server changed, and posts it", arguments: TestDatabase.all)
    func newVersionFromTab(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(browser)
            #expect(try await Publishing.publish(browser, id).status == .created)
            let serverPath = "/servers/\(id.uuidString.lowercased())"
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(serverPath).body.string))
            // the settings form builds version 2
            #expect(try await browser.postForm(serverPath + "/settings", ["csrf": csrf, "name": "Weather Pro", "domains": ""]).status == .seeOther)
            try await BuildRunner(app: app).drain()
            let tab = try await browser.get(serverPath + "/publish").body.string
            #expect(tab.contains("Publish version 2 as v2"))
            let posted = try await browser.postForm(serverPath + "/publish", ["csrf": csrf, "action": "version"])
            #expect(posted.status == .seeOther)
            #expect(try await Publishing.template(app, "weather-forecasts").latestVersion == 2)
            let after = try await browser.get(posted.headers.first(name: .location) ?? "").body.string
            #expect(after.contains("New version published."))
            #expect(!after.contains("id=\"publish-version-form\""))
        }
    }

    @Test("the wizard's done page: the share box is pre-ticked and publishes only on its button", arguments: TestDatabase.all)
    func wizardBox(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // before the build ran: an explanation and the Publish page's link, no form
            let id = try await Publishing.serverWithSecret(browser, build: false)
            let serverPath = "/servers/\(id.uuidString.lowercased())"
            let tooEarly = try await browser.get(serverPath + "/publish").body.string
            #expect(tooEarly.contains("id=\"publish-not-ready\""))
            let early = try await browser.get(serverPath + "?from=wizard").body.string
            #expect(early.contains("id=\"share-not-ready\""))
            #expect(!early.contains("id=\"share-form\""))
            #expect(HTMLInspector(html: early).tags("a").contains { $0.attributes["href"] == serverPath + "/publish" })
            // after the build: the box with the fields filled in and the box ticked
            try await BuildRunner(app: app).drain()
            let done = try await browser.get(serverPath + "?from=wizard").body.string
            #expect(done.contains("id=\"share-form\""))
            let checkbox = try #require(HTMLInspector(html: done).tags("input").first { $0.attributes["name"] == "share" })
            #expect(checkbox.attributes["checked"] != nil)
            #expect(HTMLInspector(html: done).tags("input").first { $0.attributes["name"] == "title" }?.attributes["value"] == "Weather")
            #expect(done.contains(">Publish template</button>"))
            #expect(try await Template.query(on: app.db).count() == 0, "showing the box publishes nothing")
            let csrf = try #require(BrowserSession.csrfField(in: done))
            let fields = ["csrf": csrf, "from": "wizard", "title": "Weather", "category": "other", "summary": "Forecasts for any city.",
                          "description": "", "hint_WEATHER_KEY_description": "A key", "hint_WEATHER_KEY_url": ""]
            // unticked, the button publishes nothing
            let skipped = try await browser.postForm(serverPath + "/publish", fields)
            #expect(skipped.status == .seeOther)
            #expect(skipped.headers.first(name: .location) == serverPath + "?notice=not-shared")
            #expect(try await browser.get(serverPath + "?notice=not-shared").body.string.contains("Not shared: the server stays private."))
            #expect(try await Template.query(on: app.db).count() == 0)
            // ticked, it publishes
            var ticked = fields
            ticked["share"] = "on"
            let shared = try await browser.postForm(serverPath + "/publish", ticked)
            #expect(shared.status == .seeOther)
            #expect(shared.headers.first(name: .location) == "/templates/weather")
            #expect(try await Publishing.template(app, "weather").status == .public)
            // a second click publishes nothing more
            let twice = try await browser.postForm(serverPath + "/publish", ticked)
            #expect(twice.status == .seeOther)
            #expect(try await Template.query(on: app.db).count() == 1)
            #expect(try await TemplateVersion.query(on: app.db).count() == 1)
            // the done page then shows the template instead of the box
            let later = try await browser.get(serverPath + "?from=wizard").body.string
            #expect(!later.contains("id=\"share-form\""))
            #expect(later.contains("Published as"))
        }
    }

    @Test("a description longer than a summary is suggested cut after a whole word, never mid-word")
    func suggestedSummary() {
        let server = HostedServer()
        server.name = "Weather"
        server.description = String(repeating: "Forecasts for any city, with alerts. ", count: 12)
        let summary = TemplatePublisher.suggestedDraft(server, spec: Hosting.calculator).summary
        #expect(summary.count <= TemplateListingText.maxSummary)
        #expect(summary.hasSuffix("…"))
        let words = Set(server.description.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." }).map(String.init))
        let last = String(summary.dropLast().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." }).last ?? "")
        #expect(words.contains(last), "ends with the whole word \(last)")
    }

    @Test("the edit page: the owner saves and hides; a second user gets 404", arguments: TestDatabase.all)
    func editPage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(owner)
            #expect(try await Publishing.publish(owner, id).status == .created)
            let page = try await owner.get("/templates/weather-forecasts/edit")
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains(">Public</span>"))
            #expect(HTMLInspector(html: html).tags("input").first { $0.attributes["name"] == "title" }?.attributes["value"] == "Weather forecasts")
            let csrf = try #require(BrowserSession.csrfField(in: html))
            let fields = ["csrf": csrf, "title": "Weather forecasts", "category": "knowledge", "summary": "Sunny.",
                          "description": "Now with [docs](https://weather.example.com).", "hint_WEATHER_KEY_description": "Free key",
                          "hint_WEATHER_KEY_url": "javascript:alert(1)"]
            let bad = try await owner.postForm("/templates/weather-forecasts/edit", fields)
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("must be an http:// or https:// address"))
            var good = fields
            good["hint_WEATHER_KEY_url"] = "https://weather.example.com/free"
            let saved = try await owner.postForm("/templates/weather-forecasts/edit", good)
            #expect(saved.status == .seeOther)
            let template = try await Publishing.template(app, "weather-forecasts")
            #expect(template.summary == "Sunny." && template.category == .knowledge)
            #expect(template.secretHints["WEATHER_KEY"]?.howToGetURL == "https://weather.example.com/free")
            // the stranger sees nothing and changes nothing
            #expect(try await stranger.get("/templates/weather-forecasts/edit").status == .notFound)
            let strangerCSRF = try #require(BrowserSession.csrfField(in: try await stranger.get("/servers").body.string))
            #expect(try await stranger.postForm("/templates/weather-forecasts/edit", good.merging(["csrf": strangerCSRF, "title": "Stolen"]) { _, new in new }).status == .notFound)
            #expect(try await stranger.postForm("/templates/weather-forecasts/visibility", ["csrf": strangerCSRF, "shared": "false"]).status == .notFound)
            // on Hobby the page offers no Hide button but the way to Pro; a posted one is 402 with the reason
            let single = try await owner.get("/templates/weather-forecasts/edit").body.string
            #expect(!single.contains(">Hide template</button>") && single.contains("Private templates, hidden from the marketplace, come with the Pro plan"))
            let notInPlan = try await owner.postForm("/templates/weather-forecasts/visibility", ["csrf": csrf, "shared": "false"])
            #expect(notInPlan.status == .paymentRequired && notInPlan.body.string.contains("comes with the Pro plan"))
            try await Publishing.upgrade(owner)
            // the owner hides it
            let hidden = try await owner.postForm("/templates/weather-forecasts/visibility", ["csrf": csrf, "shared": "false"])
            #expect(hidden.status == .seeOther)
            let after = try await owner.get(hidden.headers.first(name: .location) ?? "").body.string
            #expect(after.contains(">Hidden</span>"))
            #expect(after.contains(">Make public</button>"))
            #expect(try await Publishing.template(app, "weather-forecasts").title == "Weather forecasts")
            #expect(try await Publishing.auditActions(app) == ["template.publish", "template.update", "template.unshare"])
        }
    }
}
