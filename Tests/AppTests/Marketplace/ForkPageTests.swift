@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Marketplace: the Fork button and the fork wizard, without JavaScript")
struct ForkPageTests {
    @Test("Fork opens the wizard at step 2: banner, read-only tools, name and uniqued slug, only the secrets; submitting builds", arguments: TestDatabase.all)
    func forkWizard(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a public template and a forker who already has a "weather" server
            let owner = try await ForkFixtures.owner(app)
            let template = try await ForkFixtures.template(app, owner)
            let (forker, _) = try await AccountDataTests.signedIn(app)
            var own = ForkFixtures.weather
            own.requiredSecrets = []
            own.tools[0].implementation = "return 'mine';"
            #expect(try await forker.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(own)]).status == .created)

            // when they press Fork (a plain form post with the CSRF field)
            let csrf = try #require(BrowserSession.csrfField(in: try await forker.get("/settings").body.string))
            let pressed = try await forker.postForm("/templates/weather/fork", ["csrf": csrf])
            #expect(pressed.status == .seeOther)
            let location = try #require(pressed.headers.first(name: .location))
            #expect(location.hasPrefix("/servers/new/fork?ref=fr1."))

            // then the wizard shows the template read-only with the fork banner
            let page = try await forker.get(location)
            #expect(page.status == .ok)
            let html = page.body.string
            // named as the template page names the author: a default name (the email's local part) is not shown
            #expect(html.contains("Forking Weather v1 by \(TemplateAuthor.anonymous)"))
            #expect(!html.contains("by \(owner.user.displayName)"))
            let inputs = HTMLInspector(html: html).tags("input")
            #expect(inputs.first { $0.attributes["name"] == "slug" }?.attributes["value"] == "weather-2")
            #expect(inputs.first { $0.attributes["name"] == "name" }?.attributes["value"] == "Weather")
            #expect(inputs.contains { $0.attributes["name"] == "secret_WEATHER_KEY" && $0.attributes["type"] == "password" })
            #expect(!inputs.contains { $0.attributes["name"]?.hasPrefix("tool_") == true }, "tools are not editable on a fork")
            #expect(HTMLInspector(html: html).tags("textarea").isEmpty)
            #expect(html.contains("Your Weather Inc. API key"))
            #expect(html.contains("https://weather.example.com/signup"))
            #expect(html.contains("Tomorrow&#39;s weather in a city.") || html.contains("Tomorrow's weather in a city."))

            // a missing name is explained on the page
            let ref = try #require(inputs.first { $0.attributes["name"] == "ref" }?.attributes["value"])
            let formCSRF = try #require(BrowserSession.csrfField(in: html))
            let invalid = try await forker.postForm("/servers/new/fork", ["csrf": formCSRF, "ref": ref, "name": " ", "slug": "weather-2", "secret_WEATHER_KEY": ""])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("Give the server a name."))
            #expect(invalid.body.string.contains("Forking Weather v1"))
            // a taken slug is explained next to the field
            let taken = try await forker.postForm("/servers/new/fork", ["csrf": formCSRF, "ref": ref, "name": "My weather", "slug": "weather", "secret_WEATHER_KEY": ""])
            #expect(taken.status == .conflict)
            #expect(taken.body.string.contains("already has a server with the slug"))

            // submitting creates the server and its first build, then shows the server page
            let built = try await forker.postForm("/servers/new/fork", ["csrf": formCSRF, "ref": ref, "name": "My weather", "slug": "weather-2", "secret_WEATHER_KEY": "k-123"])
            #expect(built.status == .seeOther)
            let serverPath = try #require(built.headers.first(name: .location))
            #expect(serverPath.hasSuffix("?from=wizard"))
            let server = try #require(try await HostedServer.query(on: app.db).filter(\.$slug == "weather-2").first())
            #expect(server.name == "My weather")
            #expect(server.templateID == template.id)
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == server.id!).count() == 1)
            #expect(try await ForkFixtures.forks(app, template) == 1)

            // sent again (a double click whose first answer the browser dropped): the fork it made, not "slug taken"
            let twice = try await forker.postForm("/servers/new/fork", ["csrf": formCSRF, "ref": ref, "name": "My weather", "slug": "weather-2", "secret_WEATHER_KEY": "k-123"])
            #expect(twice.status == .seeOther)
            #expect(twice.headers.first(name: .location) == serverPath)
            #expect(try await HostedServer.query(on: app.db).filter(\.$slug == "weather-2").count() == 1)
            #expect(try await ForkFixtures.forks(app, template) == 1)
        }
    }

    @Test("signed out, Fork goes to sign-in and back to the template; an expired or foreign link explains itself", arguments: TestDatabase.all)
    func signedOutAndExpired(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let owner = try await ForkFixtures.owner(app)
            try await ForkFixtures.template(app, owner)
            try await ForkFixtures.template(app, owner, slug: "gone-one", status: .takedown)

            let visitor = BrowserSession(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await visitor.get("/login").body.string))
            let pressed = try await visitor.postForm("/templates/weather/fork", ["csrf": csrf])
            #expect(pressed.status == .seeOther)
            #expect(pressed.headers.first(name: .location) == "/login?next=/templates/weather")

            let (forker, _) = try await AccountDataTests.signedIn(app)
            let formCSRF = try #require(BrowserSession.csrfField(in: try await forker.get("/settings").body.string))
            let gone = try await forker.postForm("/templates/gone-one/fork", ["csrf": formCSRF])
            #expect(gone.status == .gone)
            #expect(gone.body.string.contains("taken down"))

            let ref = try await ForkFixtures.reference(forker)
            let (other, _) = try await AccountDataTests.signedIn(app)
            let foreign = try await other.get("/servers/new/fork?ref=" + ref)
            #expect(foreign.status == .conflict)
            #expect(foreign.body.string.contains("made for someone else"))

            clock.advance(ForkReference.lifetime + 1)
            let expired = try await forker.get("/servers/new/fork?ref=" + ref)
            #expect(expired.status == .gone)
            #expect(expired.body.string.contains("expired"))

            // a form posted after the link expired keeps what was typed, under a renewed link, and creates nothing
            let posted = try await forker.postForm("/servers/new/fork", ["csrf": formCSRF, "ref": ref, "name": "My weather",
                                                                        "slug": "my-weather", "secret_WEATHER_KEY": "typed-key-for-tests"])
            #expect(posted.status == .conflict)
            let html = posted.body.string
            #expect(html.contains("It is renewed") && html.contains("value=\"My weather\"") && html.contains("value=\"my-weather\""))
            let renewed = try #require(BrowserSession.hiddenField("ref", in: html))
            #expect(renewed != ref && renewed.hasPrefix("fr1."))
            #expect(try await HostedServer.query(on: app.db).filter(\.$slug == "my-weather").count() == 0)
            // the typed secret comes back sealed, never in clear text, and the emptied field keeps it
            #expect(!html.contains("typed-key-for-tests"))
            let sealed = try #require(BrowserSession.hiddenField("sealed_WEATHER_KEY", in: html))
            let built = try await forker.postForm("/servers/new/fork", ["csrf": formCSRF, "ref": renewed, "name": "My weather",
                                                                       "slug": "my-weather", "secret_WEATHER_KEY": "", "sealed_WEATHER_KEY": sealed])
            #expect(built.status == .seeOther)
            let server = try #require(try await HostedServer.query(on: app.db).filter(\.$slug == "my-weather").first())
            let stored = try await ServerSecrets(database: app.db, box: app.secretBox).values(server: server.id!, organization: server.$organization.id)
            #expect(stored["WEATHER_KEY"] == "typed-key-for-tests")

            // a link expired for more than a day, or another person's, is not renewed
            clock.advance(ForkService.renewalGrace)
            let stale = try await forker.postForm("/servers/new/fork", ["csrf": formCSRF, "ref": ref, "name": "Late", "slug": "late"])
            #expect(stale.status == .gone)
        }
    }
}
