@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Marketplace: keeping forks up to date")
struct TemplateUpdateTests {
    /// A built fork of the weather template in a second person's workspace.
    static func builtFork(_ app: Application) async throws -> (template: Template, forker: BrowserSession, server: UUID) {
        let owner = try await ForkFixtures.owner(app)
        let template = try await ForkFixtures.template(app, owner)
        let (forker, _) = try await AccountDataTests.signedIn(app)
        let created = try await ForkFixtures.fork(forker, ref: try await ForkFixtures.reference(forker),
                                                  ["secrets": ["WEATHER_KEY": "original-key-value"]])
        let id = try #require(UUID(uuidString: try AccountDataTests.json(created)["id"] as? String ?? ""), "\(created.body.string)")
        try await BuildRunner(app: app).drain()
        return (template, forker, id)
    }

    @Test("a hidden template's new version is not offered to forks in other workspaces", arguments: TestDatabase.all)
    func hiddenTemplateOffersNothing(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (template, forker, id) = try await Self.builtFork(app)
            let path = "/v1/servers/\(id.uuidString.lowercased())/template-update"
            template.status = .hidden
            try await template.save(on: app.db)
            // when the hidden template gets version 2
            _ = try await ForkFixtures.addVersion(app, template, spec: ForkFixtures.weatherV2)
            // then
            let hidden = try AccountDataTests.json(try await forker.get(path))
            #expect(hidden["available"] as? Bool == false)
            #expect(hidden["latestVersion"] as? Int == 1, "the hidden version is not even named")
            #expect(try await forker.postObject(path, ["secrets": ["UNITS_KEY": "units-value"]]).status == .conflict)
            // nor does the fork's page say an update is available
            let page = try await forker.get("/servers/\(id)").body.string
            #expect(!page.contains("Update available"))
            // shared again, it is offered
            template.status = .public
            try await template.save(on: app.db)
            #expect(try AccountDataTests.json(try await forker.get(path))["available"] as? Bool == true)
            #expect(try await forker.get("/servers/\(id)").body.string.contains("Update available"))
        }
    }

    @Test("a newer version is offered with the diff of spec and code; applying asks for the new secret, then builds it with the secrets kept", arguments: TestDatabase.all)
    func updateOverTheAPI(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (template, forker, id) = try await Self.builtFork(app)
            let path = "/v1/servers/\(id.uuidString.lowercased())/template-update"

            // up to date: nothing offered
            let before = try AccountDataTests.json(try await forker.get(path))
            #expect(before["available"] as? Bool == false)
            #expect(before["currentVersion"] as? Int == 1)
            #expect(try await forker.postObject(path, [:] as [String: String]).status == .conflict)

            // when the template gets version 2
            let v2 = try await ForkFixtures.addVersion(app, template, spec: ForkFixtures.weatherV2)
            let offered = try AccountDataTests.json(try await forker.get(path))
            #expect(offered["available"] as? Bool == true)
            #expect(offered["currentVersion"] as? Int == 1)
            #expect(offered["latestVersion"] as? Int == 2)
            #expect((offered["template"] as? [String: Any])?["slug"] as? String == "weather")
            #expect(offered["newSecrets"] as? [String] == ["UNITS_KEY"])
            let diff = try #require(offered["diff"] as? [String: [[String: String]]])
            let code = try #require(diff["code"])
            #expect(code.contains { $0["kind"] == "added" && $0["text"]?.contains("Sunny and warm") == true })
            #expect(code.contains { $0["kind"] == "removed" && $0["text"]?.contains("(no key)") == true })
            let spec = try #require(diff["spec"])
            #expect(spec.contains { $0["kind"] == "added" && $0["text"]?.contains("UNITS_KEY") == true })
            #expect(!spec.contains { $0["kind"] != "same" && $0["text"]?.contains("\"slug\"") == true }, "the fork keeps its slug")

            // applying without the new secret asks for it first and changes nothing
            let refused = try await forker.postObject(path, [:] as [String: String])
            #expect(refused.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "secret_required")
            #expect(try AccountDataTests.json(refused)["keys"] as? [String] == ["UNITS_KEY"])
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == id).count() == 1)

            // with it, a build of version 2 is queued and the fork records the version
            let applied = try await forker.postObject(path, ["secrets": ["UNITS_KEY": "units-value"]])
            #expect(applied.status == .accepted, "\(applied.body.string)")
            try await BuildRunner(app: app).drain()
            let server = try #require(try await HostedServer.find(id, on: app.db))
            #expect(server.templateVersionID == v2.id)
            let active = try #require(try await ServerVersion.find(server.activeVersionID, on: app.db))
            #expect(active.number == 2)
            let live = try SpecJSON.decode(active.specJSON)
            #expect(live.tools == ForkFixtures.weatherV2.tools)
            #expect(live.slug == "weather")
            let secrets = try await ServerSecrets(database: app.db, box: app.secretBox).values(server: id, organization: server.$organization.id)
            #expect(secrets == ["WEATHER_KEY": "original-key-value", "UNITS_KEY": "units-value"])
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "server.template_updated").count() == 1)
            let after = try AccountDataTests.json(try await forker.get(path))
            #expect(after["available"] as? Bool == false)
            #expect(after["currentVersion"] as? Int == 2)

            // rollback works as usual
            let page = "/servers/\(id.uuidString.lowercased())"
            let csrf = try #require(BrowserSession.csrfField(in: try await forker.get(page).body.string))
            #expect(try await forker.postForm(page + "/versions/1/activate", ["csrf": csrf]).status == .seeOther)
            let rolledBack = try #require(try await HostedServer.find(id, on: app.db))
            #expect(try await ServerVersion.find(rolledBack.activeVersionID, on: app.db)?.number == 1)

            // nobody else sees or applies another workspace's update
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            #expect(try await stranger.get(path).status == .notFound)
            #expect(try await stranger.postObject(path, [:] as [String: String]).status == .notFound)
        }
    }

    @Test("the server page shows the banner; the update page shows the diff and asks for new secrets; a takedown offers nothing", arguments: TestDatabase.all)
    func updatePages(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (template, forker, id) = try await Self.builtFork(app)
            let page = "/servers/\(id.uuidString.lowercased())"
            #expect(!(try await forker.get(page).body.string.contains("template-update-banner")))
            let upToDate = try await forker.get(page + "/template-update")
            #expect(upToDate.status == .ok)
            #expect(upToDate.body.string.contains("up to date"))

            try await ForkFixtures.addVersion(app, template, spec: ForkFixtures.weatherV2)
            let server = try await forker.get(page)
            #expect(server.body.string.contains("Update available from Weather v2"))
            #expect(server.body.string.contains("href=\"\(page)/template-update\""))

            let update = try await forker.get(page + "/template-update")
            #expect(update.status == .ok)
            let html = update.body.string
            #expect(html.contains("Sunny and warm"))
            #expect(html.contains("diff-added"))
            #expect(HTMLInspector(html: html).tags("input").contains { $0.attributes["name"] == "secret_UNITS_KEY" })
            let csrf = try #require(BrowserSession.csrfField(in: html))

            let missing = try await forker.postForm(page + "/template-update", ["csrf": csrf])
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.body.string.contains("Enter a value for UNITS_KEY"))

            let applied = try await forker.postForm(page + "/template-update", ["csrf": csrf, "secret_UNITS_KEY": "units-value"])
            #expect(applied.status == .seeOther)
            #expect(applied.headers.first(name: .location) == page)
            let building = try await forker.get(page)
            #expect(building.body.string.contains("data-building=\"true\""))
            #expect(!building.body.string.contains("template-update-banner"))
            try await BuildRunner(app: app).drain()

            // a takedown offers no update
            try await ForkFixtures.addVersion(app, template, spec: ForkFixtures.weather)
            #expect(try await forker.get(page).body.string.contains("Update available from Weather v3"))
            try await ForkFixtures.setStatus(app, template, .takedown)
            #expect(!(try await forker.get(page).body.string.contains("template-update-banner")))
            let answer = try AccountDataTests.json(try await forker.get("/v1/servers/\(id.uuidString.lowercased())/template-update"))
            #expect(answer["available"] as? Bool == false)

            // a server that is not a fork has no update page
            let own = try await Hosting.createAndBuild(forker)
            #expect(try await forker.get("/v1/servers/\(own.uuidString.lowercased())/template-update").status == .notFound)
        }
    }
}
