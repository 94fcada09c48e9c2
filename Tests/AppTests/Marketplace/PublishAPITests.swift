@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Publishing templates over the API: copies, scans, slugs, owner controls, versions")
struct PublishAPITests {
    @Test("publishing copies the live version as v1, lists it as mine and audits it", arguments: TestDatabase.all)
    func publish(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(browser)
            // when
            let response = try await Publishing.publish(browser, id, ["description": "# Weather\n\nAsk for a forecast.",
                "secretHints": [Publishing.secretKey: ["description": "Create a free key", "howToGetUrl": "https://weather.example.com/signup"]]])
            // then
            #expect(response.status == .created, "\(response.body.string)")
            let json = try AccountDataTests.json(response)
            #expect(json["slug"] as? String == "weather-forecasts")
            #expect(json["version"] as? Int == 1)
            #expect(json["status"] as? String == "public")
            #expect((json["url"] as? String)?.hasSuffix("/templates/weather-forecasts") == true)
            #expect(json["toolNames"] as? [String] == ["forecast"])
            #expect(!response.body.string.contains("s3cret-weather-value"))
            let template = try await Publishing.template(app, "weather-forecasts")
            #expect(template.forks == 0 && template.latestVersion == 1 && template.sourceServerID == id)
            #expect(template.secretHints[Publishing.secretKey] == SecretHint(description: "Create a free key", howToGetURL: "https://weather.example.com/signup"))
            let versions = try await TemplateVersion.query(on: app.db).filter(\.$template.$id == template.id!).all()
            #expect(versions.map(\.number) == [1])
            let copied = try SpecJSON.decode(try #require(versions.first).specJSON)
            #expect(copied.tools.map(\.name) == ["forecast"])
            #expect(copied.requiredSecrets.map(\.key) == [Publishing.secretKey])
            #expect(!(try #require(versions.first).specJSON.contains("s3cret-weather-value")))
            #expect(try await Publishing.auditActions(app) == ["template.publish"])
            let mine = try AccountDataTests.json(try await browser.get("/v1/templates/mine"))
            let listed = try #require(mine["templates"] as? [[String: Any]])
            #expect(listed.map { $0["slug"] as? String } == ["weather-forecasts"])
            #expect(listed.first?["status"] as? String == "public")
            // a server is published once; later code becomes new versions
            let again = try await Publishing.publish(browser, id, title: "Again")
            #expect(again.status == .conflict)
            #expect(try AccountDataTests.json(again)["error"] as? String == "already_published")
        }
    }

    @Test("without a summary, a long server description is cut to the summary's length at a word, not refused", arguments: TestDatabase.all)
    func summaryFromLongDescription(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var spec = Publishing.weather
            spec.description = "Forecasts for any city in the world, " + String(repeating: "with hourly temperatures and rain chances ", count: 5)
            #expect(spec.description.count > TemplateListingText.maxSummary)
            let id = try await Publishing.serverWithSecret(browser, spec)
            // when
            let response = try await browser.postObject("/v1/templates", ["serverId": id.uuidString, "category": "data"])
            // then
            #expect(response.status == .created, "\(response.body.string)")
            let template = try await Publishing.template(app, try #require(try AccountDataTests.json(response)["slug"] as? String))
            #expect(template.summary.count <= TemplateListingText.maxSummary)
            #expect(template.summary.hasSuffix("…") && spec.description.hasPrefix(String(template.summary.dropLast())))
        }
    }

    @Test("two publishes of one server at once make one template; the other answers already_published", arguments: TestDatabase.all)
    func concurrentPublish(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(browser)
            // when four publishes with different titles race past the look-up
            let statuses = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for index in 0..<4 {
                    group.addTask {
                        let response = try await Publishing.publish(browser, id, title: "Forecasts \(index)")
                        return (response.status, response.body.string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then exactly one template exists and every other answer is a clear 409
            #expect(statuses.filter { $0.0 == .created }.count == 1, "\(statuses)")
            for (status, body) in statuses where status != .created {
                #expect(status == .conflict && body.contains("already_published"), "\(body)")
            }
            #expect(try await Template.query(on: app.db).filter(\.$sourceServerID == id).count() == 1)
        }
    }

    @Test("bad listings answer with clear codes and publish nothing", arguments: TestDatabase.all)
    func validation(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(browser)
            let cases: [([String: Any], String)] = [
                (["category": "gardening"], "unknown_category"),
                (["title": "   "], "title_required"),
                (["title": String(repeating: "x", count: 81)], "title_too_long"),
                (["summary": String(repeating: "x", count: 201)], "summary_too_long"),
                (["title": "Trusted \u{202E}loot\u{202C} helper"], "text_direction_character"),
                (["summary": "Reads \u{2066}files\u{2069}"], "text_direction_character"),
                (["secretHints": ["OTHER_KEY": ["description": "x"]]], "unknown_secret_hint"),
                (["secretHints": [Publishing.secretKey: ["description": "x", "howToGetUrl": "javascript:alert(1)"]]], "invalid_hint_url"),
                (["secretHints": [Publishing.secretKey: ["description": "x", "howToGetUrl": "ftp://example.com/key"]]], "invalid_hint_url"),
            ]
            for (extra, code) in cases {
                let response = try await Publishing.publish(browser, id, extra)
                #expect(response.status == .unprocessableEntity, "\(code): \(response.body.string)")
                #expect(try AccountDataTests.json(response)["error"] as? String == code)
            }
            // a server whose first build has not run yet has nothing to publish
            let unbuilt = try await Publishing.serverWithSecret(browser, ServerSpec(
                name: "Unbuilt", slug: "unbuilt", description: "Not yet.", tools: Publishing.weather.tools,
                requiredSecrets: Publishing.weather.requiredSecrets), build: false)
            let early = try await Publishing.publish(browser, unbuilt)
            #expect(early.status == .conflict)
            #expect(try AccountDataTests.json(early)["error"] as? String == "no_active_version")
            // another workspace's server is not found
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            #expect(try await Publishing.publish(stranger, id).status == .notFound)
            #expect(try await Template.query(on: app.db).count() == 0)
        }
    }

    @Test("the scanners block publishing: banned pattern, key in code, the server's own secret value in code or listing", arguments: TestDatabase.all)
    func scans(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Publishing.upgrade(browser)
            let secret = "s3cret-weather-value"
            func blocked(_ response: TestingHTTPResponse, path: String, kind: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
                #expect(response.status == .unprocessableEntity, "\(response.body.string)", sourceLocation: sourceLocation)
                let json = try AccountDataTests.json(response)
                #expect(json["error"] as? String == "publish_blocked", sourceLocation: sourceLocation)
                #expect((json["message"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
                let findings = try #require(json["findings"] as? [[String: Any]], sourceLocation: sourceLocation)
                #expect(findings.contains { $0["path"] as? String == path && $0["kind"] as? String == kind },
                        "\(findings)", sourceLocation: sourceLocation)
                #expect(!response.body.string.contains(secret), "a finding never repeats a secret value", sourceLocation: sourceLocation)
                #expect(!response.body.string.contains(Publishing.tokenShaped), sourceLocation: sourceLocation)
            }

            // a banned pattern in a version built before the rule existed
            let banned = try await Publishing.serverWithSecret(browser, secret: secret)
            try await Publishing.rewriteLiveSpec(app, banned) { $0.tools[0].implementation = "return eval('1 + 1');" }
            try blocked(try await Publishing.publish(browser, banned), path: "tools[0].implementation", kind: "eval")

            // a key-shaped credential in the code
            let keyed = try await Publishing.serverWithSecret(browser, secret: secret)
            try await Publishing.rewriteLiveSpec(app, keyed) { $0.tools[0].implementation = "const t = '\(Publishing.tokenShaped)'; return t;" }
            try blocked(try await Publishing.publish(browser, keyed), path: "tools[0].implementation", kind: "leakedSecret")

            // the server's own secret value, set after the build, now written in the code
            let leaky = try await Publishing.serverWithSecret(browser, ServerSpec(
                name: "Echo", slug: "echo", description: "Echoes.", tools: [Hosting.tool("echo", "return 'pa55word-in-code';")],
                requiredSecrets: Publishing.weather.requiredSecrets), secret: secret)
            let server = try #require(try await HostedServer.find(leaky, on: app.db))
            try await ServerSecrets(database: app.db, box: app.secretBox)
                .replace(Publishing.secretKey, value: "pa55word-in-code", server: leaky, organization: server.$organization.id, now: Date())
            let response = try await Publishing.publish(browser, leaky)
            try blocked(response, path: "tools[0].implementation", kind: "leakedSecretValue")
            #expect(!response.body.string.contains("pa55word-in-code"))

            // the secret value or a key in the listing's own text
            let clean = try await Publishing.serverWithSecret(browser, secret: secret)
            try blocked(try await Publishing.publish(browser, clean, ["description": "Use the key \(secret) to try it."]),
                        path: "description", kind: "leakedSecretValue")
            try blocked(try await Publishing.publish(browser, clean, ["summary": "Token \(Publishing.tokenShaped)"]),
                        path: "summary", kind: "leakedSecret")
            try blocked(try await Publishing.publish(browser, clean, ["secretHints": [Publishing.secretKey: ["description": "like \(secret)"]]]),
                        path: "secretHints.WEATHER_KEY.description", kind: "leakedSecretValue")
            #expect(try await Template.query(on: app.db).count() == 0)
            #expect(try await Publishing.auditActions(app).isEmpty)
            // the same server publishes once the text is clean
            #expect(try await Publishing.publish(browser, clean).status == .created)
        }
    }

    @Test("slugs come from the title, are unique and never reserved", arguments: TestDatabase.all)
    func slugs(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Publishing.upgrade(browser)
            var slugs: [String] = []
            for title in ["Weather", "Weather", "weather!", "Mine", "***"] {
                let id = try await Publishing.serverWithSecret(browser)
                let response = try await Publishing.publish(browser, id, title: title)
                #expect(response.status == .created, "\(response.body.string)")
                slugs.append(try AccountDataTests.json(response)["slug"] as? String ?? "")
            }
            #expect(slugs == ["weather", "weather-2", "weather-3", "mine-2", "template"])
        }
    }

    @Test("a long title's numbered slugs are cut to fit, and one taken that way is still skipped", arguments: TestDatabase.all)
    func longSlugs(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Publishing.upgrade(browser)
            let stem = String(repeating: "a", count: 58)
            // the first title's slug is the second's `-2` form, cut to fit: it does not start with the second's slug
            var slugs: [String] = []
            for title in [stem + " 2", stem + "bc", stem + "bc", stem + "bc"] {
                let id = try await Publishing.serverWithSecret(browser)
                let response = try await Publishing.publish(browser, id, title: title)
                #expect(response.status == .created, "\(response.body.string)")
                slugs.append(try AccountDataTests.json(response)["slug"] as? String ?? "")
            }
            #expect(slugs == [stem + "-2", stem + "bc", stem + "-3", stem + "-4"])
        }
    }

    @Test("two clients editing different fields of a listing at once: both edits stand", arguments: TestDatabase.all)
    func concurrentEdits(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(owner)
            #expect(try await Publishing.publish(owner, id).status == .created)
            let path = "/v1/templates/weather-forecasts"
            // two clients editing different fields at once: both edits stand
            for round in 0..<3 {
                async let title = owner.postObject(path, ["title": "Weather \(round)"], method: .PATCH)
                async let summary = owner.postObject(path, ["summary": "Round \(round)."], method: .PATCH)
                let (titled, summarized) = try await (title, summary)
                #expect(titled.status == .ok && summarized.status == .ok)
                let stored = try await Publishing.template(app, "weather-forecasts")
                #expect(stored.title == "Weather \(round)" && stored.summary == "Round \(round).", "round \(round)")
            }
        }
    }

    @Test("only the owner edits and hides; a second user gets 404; a takedown is final", arguments: TestDatabase.all)
    func ownerControls(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(owner)
            #expect(try await Publishing.publish(owner, id).status == .created)
            let path = "/v1/templates/weather-forecasts"

            // the owner edits the listing
            let edited = try await owner.postObject(path, ["summary": "Sunny or not.", "category": "knowledge",
                                                           "description": "[docs](https://weather.example.com)"], method: .PATCH)
            #expect(edited.status == .ok, "\(edited.body.string)")
            #expect(try AccountDataTests.json(edited)["summary"] as? String == "Sunny or not.")
            #expect(try await Publishing.template(app, "weather-forecasts").category == .knowledge)
            let badEdit = try await owner.postObject(path, ["category": "nope"], method: .PATCH)
            #expect(try AccountDataTests.json(badEdit)["error"] as? String == "unknown_category")
            let leakyEdit = try await owner.postObject(path, ["description": "key: s3cret-weather-value"], method: .PATCH)
            #expect(try AccountDataTests.json(leakyEdit)["error"] as? String == "publish_blocked")
            #expect(try await Publishing.template(app, "weather-forecasts").descriptionMarkdown == "[docs](https://weather.example.com)")
            // an edit that changes nothing is no update: the template keeps its place and no event is written
            let updatedAt = try await Publishing.template(app, "weather-forecasts").updatedAt
            #expect(try await owner.postObject(path, [:] as [String: String], method: .PATCH).status == .ok)
            #expect(try await owner.postObject(path, ["summary": "Sunny or not."], method: .PATCH).status == .ok)
            #expect(try await Publishing.template(app, "weather-forecasts").updatedAt == updatedAt)

            // a second user can neither edit, hide nor publish a version
            #expect(try await stranger.postObject(path, ["title": "Mine now"], method: .PATCH).status == .notFound)
            #expect(try await stranger.postObject(path + "/visibility", ["shared": false], method: .PATCH).status == .notFound)
            #expect(try await stranger.postObject(path + "/versions", [:]).status == .notFound)

            // private templates come with Pro: on Hobby hiding is 402 and changes nothing
            let notInPlan = try await owner.postObject(path + "/visibility", ["shared": false], method: .PATCH)
            #expect(notInPlan.status == .paymentRequired)
            #expect(try AccountDataTests.json(notInPlan)["error"] as? String == "plan_limit")
            #expect(try await Publishing.template(app, "weather-forecasts").status == .public)
            try await Publishing.upgrade(owner)

            // hidden: the owner still sees it; the stranger gets 404 everywhere, as for a missing one
            let hidden = try await owner.postObject(path + "/visibility", ["shared": false], method: .PATCH)
            #expect(hidden.status == .ok)
            #expect(try AccountDataTests.json(hidden)["status"] as? String == "hidden")
            #expect(try await stranger.postObject(path + "/visibility", ["shared": true], method: .PATCH).status == .notFound)
            #expect(try await Publishing.template(app, "weather-forecasts").status == .hidden)
            #expect(try await stranger.get("/templates/weather-forecasts/edit").status == .notFound)
            let strangerMine = try AccountDataTests.json(try await stranger.get("/v1/templates/mine"))
            #expect((strangerMine["templates"] as? [Any])?.isEmpty == true)
            let strangerOrg = try await Workspaces.organizationID(stranger)
            await #expect(throws: APIError.self) {
                _ = try await TemplateAccess(database: app.db, viewerOrganization: strangerOrg).visible("weather-forecasts")
            }
            let ownerOrg = try await Workspaces.organizationID(owner)
            #expect(try await TemplateAccess(database: app.db, viewerOrganization: ownerOrg).visible("weather-forecasts").status == .hidden)
            let mine = try AccountDataTests.json(try await owner.get("/v1/templates/mine"))
            #expect((mine["templates"] as? [[String: Any]])?.first?["status"] as? String == "hidden")
            #expect(try await owner.postObject(path + "/visibility", ["shared": true], method: .PATCH).status == .ok)
            #expect(try await Publishing.auditActions(app) == ["template.publish", "template.update", "template.unshare", "template.reshare"])

            // after a takedown the owner cannot share, edit or publish again
            let template = try await Publishing.template(app, "weather-forecasts")
            template.status = .takedown
            template.takedownReason = "Malware"
            try await template.save(on: app.db)
            let reshare = try await owner.postObject(path + "/visibility", ["shared": true], method: .PATCH)
            #expect(reshare.status == .conflict)
            #expect(try AccountDataTests.json(reshare)["error"] as? String == "template_taken_down")
            #expect(try await owner.postObject(path + "/visibility", ["shared": false], method: .PATCH).status == .conflict)
            #expect(try await owner.postObject(path, ["title": "Back"], method: .PATCH).status == .gone)
            #expect(try await owner.postObject(path + "/versions", [:]).status == .gone)
            #expect(try await Publishing.template(app, "weather-forecasts").status == .takedown)
        }
    }

    @Test("a new version copies the newer live version; an unchanged one is refused", arguments: TestDatabase.all)
    func versions(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Publishing.serverWithSecret(browser)
            #expect(try await Publishing.publish(browser, id).status == .created)
            let path = "/v1/templates/weather-forecasts/versions"
            // a moderator reviewed and verified v1
            let reviewed = try await Publishing.template(app, "weather-forecasts")
            reviewed.verified = true
            reviewed.reviewedAt = app.clock.now()
            try await reviewed.save(on: app.db)
            // given nothing changed
            let same = try await browser.postObject(path, [:])
            #expect(same.status == .conflict)
            #expect(try AccountDataTests.json(same)["error"] as? String == "no_changes")
            // when the server gains a tool and is rebuilt
            let server = try #require(try await HostedServer.find(id, on: app.db))
            var spec = try SpecJSON.decode(server.specJSON)
            spec.tools.append(Hosting.tool("alerts", "return [];"))
            let current = try await Self.currentUser(app, browser)
            try await ServerService(database: app.db, clock: app.clock, current: current, secretBox: app.secretBox,
                                    hosting: app.hosting, audit: AuditLog(database: app.db, now: Date(), ip: nil, userAgent: nil))
                .rebuild(server, spec: spec)
            try await BuildRunner(app: app).drain()
            // then the new version is published as v2
            let published = try await browser.postObject(path, [:])
            #expect(published.status == .created, "\(published.body.string)")
            let json = try AccountDataTests.json(published)
            #expect(json["version"] as? Int == 2)
            #expect(json["toolNames"] as? [String] == ["forecast", "alerts"])
            let template = try await Publishing.template(app, "weather-forecasts")
            let versions = try await TemplateVersion.query(on: app.db).filter(\.$template.$id == template.id!).sort(\.$number).all()
            #expect(versions.map(\.number) == [1, 2])
            #expect(versions.map(\.sourceVersionNumber) == [1, 2])
            #expect(try SpecJSON.decode(versions[0].specJSON).tools.count == 1, "v1 stays as it was")
            #expect(try await Publishing.auditActions(app) == ["template.publish", "template.version"])
            #expect(try await browser.postObject(path, [:]).status == .conflict)
            // v2 is code nobody reviewed: the badge goes and the template is back in the moderators' queue
            #expect(!template.verified && template.reviewedAt == nil)
            #expect(try await ModerationPageQuery(database: app.db).load(search: "", page: 1).queue.contains { $0.id == template.id })
        }
    }

    @Test("a changed listing loses the verified badge and is reviewed again; saving it unchanged keeps both", arguments: TestDatabase.all)
    func listingReReviewed(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            #expect(try await Publishing.publish(browser, try await Publishing.serverWithSecret(browser)).status == .created)
            let path = "/v1/templates/weather-forecasts"
            func verify() async throws {
                let template = try await Publishing.template(app, "weather-forecasts")
                template.verified = true
                template.reviewedAt = app.clock.now()
                try await template.save(on: app.db)
            }
            try await verify()
            let unchanged = try await browser.postObject(path, ["summary": "Forecasts for any city."], method: .PATCH)
            #expect(unchanged.status == .ok, "\(unchanged.body.string)")
            #expect(try await Publishing.template(app, "weather-forecasts").verified)
            // when the description gains a link
            let edited = try await browser.postObject(path, ["description": "Sign in at [weather](https://weather.example.net/login)."], method: .PATCH)
            #expect(edited.status == .ok)
            // then
            let template = try await Publishing.template(app, "weather-forecasts")
            #expect(!template.verified && template.reviewedAt == nil)
        }
    }

    static func currentUser(_ app: Application, _ browser: BrowserSession) async throws -> CurrentUser {
        let organization = try #require(try await Organization.find(try await Workspaces.organizationID(browser), on: app.db))
        let membership = try #require(try await Membership.query(on: app.db).filter(\.$organization.$id == organization.id!).first())
        let user = try #require(try await User.find(membership.$user.id, on: app.db))
        return CurrentUser(user: user, organization: organization, session: nil, apiToken: nil, plan: app.config.plans.plan(for: organization))
    }
}
