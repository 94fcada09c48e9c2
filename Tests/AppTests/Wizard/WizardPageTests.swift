@testable import App
import Core
import Drafting
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Wizard pages without JavaScript")
struct WizardPageTests {
    @Test("step 1 names the drafter honestly, posts, and step 2 shows every tool", arguments: TestDatabase.all)
    func describeThenReview(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // given step 1
            let page = try await browser.get("/servers/new")
            #expect(page.status == .ok)
            let html = HTMLInspector(html: page.body.string)
            #expect(page.body.string.contains("Offline drafter"))
            #expect(page.body.string.contains("paste API keys"))
            let csrf = try #require(BrowserSession.csrfField(in: page.body.string))
            #expect(html.tags("textarea").contains { $0.attributes["name"] == "prompt" })
            // when the form posts
            let posted = try await browser.postForm("/servers/new", ["prompt": "Weather forecasts and GitHub issues", "csrf": csrf])
            // then step 2 for the stored draft
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers.first(name: .location))
            #expect(location.hasPrefix("/servers/new/"))
            let review = try await browser.get(location)
            #expect(review.status == .ok)
            let draft = try #require(try await Draft.query(on: app.db).first())
            let spec = try SpecJSON.decode(draft.specJSON)
            let inputs = HTMLInspector(html: review.body.string).tags("input")
            for (index, tool) in spec.tools.enumerated() {
                #expect(inputs.contains { $0.attributes["name"] == "tool_\(index)_name" && $0.attributes["value"] == tool.name })
            }
            #expect(inputs.filter { $0.attributes["type"] == "password" }.count == spec.requiredSecrets.count)
        }
    }

    @Test("step 1 says when the plan's server limit is reached, before a draft is spent", arguments: TestDatabase.all)
    func serverLimitNotice(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a Hobby workspace one server short of its limit
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let limit = try #require(PlanTable.hobby.maxServers)
            for index in 0..<(limit - 1) {
                #expect(try await ConcurrentQuotaTests.create(browser, slug: "limit-\(index)") == .created)
            }
            #expect(!(try await browser.get("/servers/new").body.string.contains("id=\"server-limit-note\"")))

            // when the last one is created
            #expect(try await ConcurrentQuotaTests.create(browser, slug: "limit-last") == .created)

            // then step 1 warns, naming the plan and the way out
            let page = try await browser.get("/servers/new").body.string
            let note = try #require(HTMLInspector(html: page).tags("p").first { $0.attributes["id"] == "server-limit-note" })
            #expect(note.attributes["class"]?.contains("notice") == true)
            #expect(page.contains("The Hobby plan includes \(limit) hosted servers") && page.contains("not build"))
        }
    }

    @Test("step 1 errors re-render with what was typed", arguments: TestDatabase.all)
    func promptErrorsKeepInput(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/servers/new").body.string))
            let key = "xoxb-" + "123456789012-123456789012-" + String(repeating: "Ab", count: 12)
            let posted = try await browser.postForm("/servers/new", ["prompt": "post to slack with \(key)", "name": "Team bot", "csrf": csrf])
            #expect(posted.status == .unprocessableEntity)
            #expect(posted.body.string.contains("Never paste keys"))
            #expect(posted.body.string.contains("value=\"Team bot\""))
            #expect(try await Draft.query(on: app.db).count() == 0)
            // a description over the limit is explained with its length and kept whole, where the field's maxlength
            // cut a paste short without a word
            let page = try await browser.get("/servers/new").body.string
            #expect(!page.contains("maxlength=\"4000\"") && page.contains("Up to 4000 characters"))
            let long = String(repeating: "Look up the weather for a city. ", count: 130)
            let tooLong = try await browser.postForm("/servers/new", ["prompt": long, "csrf": csrf])
            #expect(tooLong.status == .unprocessableEntity)
            #expect(tooLong.body.string.contains("The description is \(long.trimmingCharacters(in: .whitespaces).count) characters; the limit is 4000"))
            #expect(tooLong.body.string.contains(long.trimmingCharacters(in: .whitespaces)))
        }
    }

    @Test("step 2: a broken schema is shown next to its field and nothing typed is lost; a fixed form builds", arguments: TestDatabase.all)
    func reviewValidationAndBuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.useDrafter(ScriptedDrafter(steps: [.spec(ServersAPITests.tokenSpec)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/servers/new").body.string))
            let location = try #require(try await browser.postForm("/servers/new", ["prompt": "github issues", "csrf": csrf]).headers.first(name: .location))
            var fields = [
                "csrf": csrf, "action": "build", "name": "My issues", "slug": "my-issues", "description": "Issues of my repos.",
                "domains": "api.github.com", "tool_0_name": "list_issues", "tool_0_description": "List issues.",
                "tool_0_schema": "{\"type\": \"object\", \"properties\": {\"repo\": {\"type\": \"string\"}", // missing brace
                "secret_count": "1", "secret_0_key": "GITHUB_TOKEN", "secret_0_description": "Token", "secret_0_url": "https://github.com/settings/tokens",
                "secret_0_value": "value-typed-by-person",
            ]
            // when
            let refused = try await browser.postForm(location, fields)
            // then
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("not valid JSON"))
            #expect(html.contains("value=\"My issues\""))
            #expect(html.contains("value=\"my-issues\""))
            #expect(try await HostedServer.query(on: app.db).count() == 0)
            // the typed secret value is kept, sealed: the page never holds it in clear text
            #expect(!html.contains("value-typed-by-person"))
            let sealed = try #require(BrowserSession.hiddenField("secret_0_sealed", in: html))
            #expect(HTMLInspector(html: html).tags("input").contains { $0.attributes["name"] == "secret_0_value" && $0.attributes["value"] == nil })

            // every bad domain is named at the field, one line each, not only the first
            fields["tool_0_schema"] = "{\"type\": \"object\", \"properties\": {\"repo\": {\"type\": \"string\"}}, \"required\": [\"repo\"]}"
            fields["domains"] = "https://one.example\ntwo.example/path\n10.0.1"
            let domains = try await browser.postForm(location, fields)
            #expect(domains.status == .unprocessableEntity)
            let domainError = try #require(HTMLInspector(html: domains.body.string).texts("p").first { $0.contains("one.example") })
            #expect(domainError.contains("two.example") && domainError.contains("10.0.1"), "\(domainError)")
            fields["domains"] = "api.github.com"

            // a bad secret key is shown on its row
            fields["secret_0_key"] = "github-token"
            let badKey = try await browser.postForm(location, fields)
            #expect(badKey.status == .unprocessableEntity)
            #expect(HTMLInspector(html: badKey.body.string).tags("input").contains { $0.attributes["name"] == "secret_0_key" && $0.attributes["aria-invalid"] == "true" })

            // a hand-made negative row count (it once trapped the whole process) counts as no rows
            var negative = fields
            negative["secret_count"] = "-1"
            negative["action"] = "add_secret"
            let noRows = try await browser.postForm(location, negative)
            #expect(noRows.status == .ok)
            #expect(noRows.body.string.contains("name=\"secret_0_key\"") && !noRows.body.string.contains("name=\"secret_1_key\""))

            // "Add a secret" (no JavaScript) keeps what was typed with the draft: reopening it shows the new name
            fields["secret_0_key"] = "GITHUB_TOKEN"
            var adding = fields
            adding["action"] = "add_secret"
            adding["name"] = "My renamed issues"
            let added = try await browser.postForm(location, adding)
            #expect(added.status == .ok)
            #expect(added.body.string.contains("name=\"secret_1_key\""))
            #expect(try await browser.get(location).body.string.contains("value=\"My renamed issues\""))

            // when fixed, Build saves the server and the secret typed on the first attempt (the field now empty)
            fields["secret_0_value"] = ""
            fields["secret_0_sealed"] = sealed
            let built = try await browser.postForm(location, fields)
            #expect(built.status == .seeOther)
            let server = try #require(try await HostedServer.query(on: app.db).first())
            #expect(built.headers.first(name: .location) == "/servers/" + server.id!.uuidString.lowercased() + "?from=wizard")
            let page = try await browser.get("/servers/" + server.id!.uuidString.lowercased() + "?from=wizard")
            #expect(page.body.string.contains("aria-current=\"step\"><span class=\"wizard-step-number\">3</span>"))
            #expect(page.body.string.contains("My issues"))
            #expect(page.body.string.contains("Building"))
            #expect(try await ServerSecrets(database: app.db, box: app.secretBox).values(server: server.id!, organization: server.$organization.id)
                == ["GITHUB_TOKEN": "value-typed-by-person"])

            // sent again (a double click whose first answer the browser dropped): the server it made, not "slug taken"
            let twice = try await browser.postForm(location, fields)
            #expect(twice.status == .seeOther)
            #expect(twice.headers.first(name: .location) == built.headers.first(name: .location))
            #expect(try await HostedServer.query(on: app.db).count() == 1)
            #expect(try await Build.query(on: app.db).count() == 1)
            // another spec under the slug is a second server, and the slug's error
            fields["description"] = "Something else."
            let other = try await browser.postForm(location, fields)
            #expect(other.status == .conflict)
            #expect(other.body.string.contains("already has a server with the slug"))
        }
    }

    @Test("step 2: each tool's title and four hints are labelled fields that post without JavaScript and reach the built spec", arguments: TestDatabase.all)
    func reviewTitleAndHints(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a draft whose tool carries a title and a read-only hint
            var drafted = ServersAPITests.tokenSpec
            drafted.tools[0].title = "List issues"
            drafted.tools[0].annotations = ToolAnnotations(readOnlyHint: true)
            app.useDrafter(ScriptedDrafter(steps: [.spec(drafted)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/servers/new").body.string))
            let location = try #require(try await browser.postForm("/servers/new", ["prompt": "github issues", "csrf": csrf]).headers.first(name: .location))
            // when
            let html = try await browser.get(location).body.string
            // then
            let inspector = HTMLInspector(html: html)
            #expect(inspector.tags("input").contains { $0.attributes["name"] == "tool_0_title" && $0.attributes["value"] == "List issues" })
            #expect(inspector.tags("label").contains { $0.attributes["for"] == "tool-0-title" })
            func select(_ key: String) -> Substring {
                let start = html.range(of: "id=\"tool-0-hint-\(key)\"")!.lowerBound
                return html[start..<html[start...].range(of: "</select>")!.lowerBound]
            }
            for key in ["read_only", "destructive", "idempotent", "open_world"] {
                #expect(inspector.tags("select").contains { $0.attributes["name"] == "tool_0_hint_\(key)" && $0.attributes["id"] == "tool-0-hint-\(key)" })
                #expect(inspector.tags("label").contains { $0.attributes["for"] == "tool-0-hint-\(key)" }, "\(key) has a label")
            }
            #expect(select("read_only").contains("<option value=\"true\" selected>Yes</option>"))
            #expect(select("destructive").contains("<option value=\"\" selected>Not set</option>"))
            #expect(select("open_world").contains("<option value=\"\" selected>From the allowed domains</option>"))

            // a contradiction is shown next to the hints, and nothing is built
            var fields = [
                "csrf": csrf, "action": "build", "name": "Issues", "slug": "issues", "description": "GitHub issues.",
                "domains": "api.github.com", "tool_0_name": "list_issues", "tool_0_title": "Issues, listed",
                "tool_0_description": "List open issues of a repository.",
                "tool_0_schema": "{\"type\": \"object\", \"properties\": {\"repo\": {\"type\": \"string\"}}, \"required\": [\"repo\"]}",
                "tool_0_hint_read_only": "true", "tool_0_hint_destructive": "true", "tool_0_hint_idempotent": "", "tool_0_hint_open_world": "false",
                "secret_count": "1", "secret_0_key": "GITHUB_TOKEN", "secret_0_description": "Token", "secret_0_url": "https://github.com/settings/tokens",
                "secret_0_value": "value-typed-by-person",
            ]
            let refused = try await browser.postForm(location, fields)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("a read-only tool cannot be destructive"))
            #expect(refused.body.string.contains("value=\"Issues, listed\""), "what was typed is kept")
            #expect(try await HostedServer.query(on: app.db).count() == 0)

            // when fixed, the edited title and hints are what gets built
            fields["tool_0_hint_read_only"] = "false"
            let built = try await browser.postForm(location, fields)
            #expect(built.status == .seeOther)
            try await BuildRunner(app: app).drain()
            let version = try #require(try await ServerVersion.query(on: app.db).first())
            let tool = try SpecJSON.decode(version.specJSON).tools[0]
            #expect(tool.title == "Issues, listed")
            #expect(tool.annotations == ToolAnnotations(readOnlyHint: false, destructiveHint: true, openWorldHint: false))
        }
    }

    @Test("reset to draft drops edits; an expired draft explains itself", arguments: TestDatabase.all)
    func resetAndExpiry(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            app.useDrafter(ScriptedDrafter(steps: [.spec(ScriptedDrafter.weather)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/servers/new").body.string))
            let location = try #require(try await browser.postForm("/servers/new", ["prompt": "weather", "csrf": csrf]).headers.first(name: .location))
            let draft = try #require(try await Draft.query(on: app.db).first())
            draft.editedSpecJSON = SpecJSON.encode(ServersAPITests.tokenSpec)
            try await draft.save(on: app.db)
            #expect(try await browser.get(location).body.string.contains("Reset to draft"))
            let reset = try await browser.postForm(location, ["csrf": csrf, "action": "reset"])
            #expect(reset.status == .seeOther)
            #expect(try await Draft.find(draft.id, on: app.db)?.editedSpecJSON == nil)
            clock.advance(Draft.lifetime + 1)
            let expired = try await browser.get(location)
            #expect(expired.status == .gone)
            #expect(expired.body.string.contains("expired"))
        }
    }

    @Test("servers list: empty state, then the shell's Servers and Create tabs", arguments: TestDatabase.all)
    func emptyList(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let page = try await browser.get("/servers")
            #expect(page.status == .ok)
            #expect(page.body.string.contains("No servers yet"))
            let links = HTMLInspector(html: page.body.string).tags("a").compactMap { $0.attributes["href"] }
            #expect(links.contains("/servers/new"))
            #expect(try await BrowserSession(app).get("/servers").status == .seeOther)
        }
    }
}
