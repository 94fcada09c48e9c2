@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Server lifecycle: secrets per version, name and description from the live version, rollbacks and rebuilds that mean something")
struct ServerLifecycleTests {
    static let keyed = ServerSpec(name: "Keyed", slug: "keyed", description: "Version one reads a key.",
                                  tools: Hosting.calculator.tools,
                                  requiredSecrets: [RequiredSecret(key: "API_KEY", description: "The service's key.")])
    static let unkeyed = ServerSpec(name: "Unkeyed", slug: "keyed", description: "Version two needs no key.",
                                    tools: Hosting.calculator.tools)

    static func csrf(_ browser: BrowserSession, _ path: String) async throws -> String {
        try #require(BrowserSession.csrfField(in: try await browser.get(path).body.string))
    }

    /// Asks Iterate for a change the scripted drafter answers with `spec`; returns the review page's address.
    static func iterate(_ app: Application, _ browser: BrowserSession, _ page: String, to spec: ServerSpec) async throws -> String {
        app.useDrafter(ScriptedDrafter(steps: [.spec(spec)]))
        let asked = try await browser.postForm(page + "/iterate", ["csrf": try await csrf(browser, page), "change": "Make it \(spec.name)"])
        #expect(asked.status == .seeOther)
        return try #require(asked.headers.first(name: .location))
    }

    static func apiToken(_ browser: BrowserSession) async throws -> String {
        let response = try await browser.postObject("/v1/tokens", ["name": "api", "scopes": ["api"]])
        return try #require(try AccountDataTests.json(response)["token"] as? String)
    }

    static func secrets(_ app: Application, _ id: UUID) async throws -> [String: String]? {
        try await app.hosting.contexts.context(for: id, app: app)?.secrets
    }

    @Test("a version's code gets only the secrets it declares; one kept from another version is listed apart and can be deleted, a declared one only replaced", arguments: TestDatabase.all)
    func secretsPerVersion(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given version 1, which declares API_KEY, and version 2, which does not
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let created = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(Self.keyed),
                                                                       "secrets": ["API_KEY": "key-for-tests-one"]])
            #expect(created.status == .created)
            let id = try #require((try AccountDataTests.json(created)["id"] as? String).flatMap { UUID(uuidString: $0) })
            try await BuildRunner(app: app).drain()
            let page = "/servers/\(id.uuidString.lowercased())"
            #expect(try await Self.secrets(app, id) == ["API_KEY": "key-for-tests-one"])
            let review = try await Self.iterate(app, browser, page, to: Self.unkeyed)
            #expect(try await browser.postForm(review, ["csrf": try await Self.csrf(browser, page)]).status == .seeOther)
            try await BuildRunner(app: app).drain()

            // then version 2's code never sees the stored key, and the server shows version 2's name and description
            #expect(try await Self.secrets(app, id) == [:])
            var server = try #require(try await HostedServer.find(id, on: app.db))
            #expect(server.name == "Unkeyed" && server.description == "Version two needs no key.")
            let tab = try await browser.get(page + "/secrets").body.string
            #expect(!(try await browser.get(page).body.string.contains("id=\"missing-secrets\"")), "version 2 declares none")
            #expect(tab.contains("Stored, not used") && tab.contains("<code>API_KEY</code>"))
            let replaced = try await browser.postForm(page + "/secrets", ["csrf": try await Self.csrf(browser, page), "key": "API_KEY", "value": "x"])
            #expect(replaced.status == .unprocessableEntity)

            // when version 1 is made live again
            #expect(try await browser.postForm(page + "/versions/1/activate", ["csrf": try await Self.csrf(browser, page)]).status == .seeOther)

            // then its name, description and key are back, the key can be replaced, and not deleted
            #expect(!(try await browser.get(page).body.string.contains("id=\"missing-secrets\"")), "API_KEY has its value")
            server = try #require(try await HostedServer.find(id, on: app.db))
            #expect(server.name == "Keyed" && server.description == "Version one reads a key.")
            #expect(try await Self.secrets(app, id) == ["API_KEY": "key-for-tests-one"])
            let again = try await browser.postForm(page + "/secrets", ["csrf": try await Self.csrf(browser, page), "key": "API_KEY", "value": "key-for-tests-two"])
            #expect(again.status == .seeOther)
            #expect(try await Self.secrets(app, id) == ["API_KEY": "key-for-tests-two"])
            let inUse = try await browser.postForm(page + "/secrets", ["csrf": try await Self.csrf(browser, page), "key": "API_KEY", "action": "delete"])
            #expect(inUse.status == .unprocessableEntity)
            #expect(inUse.body.string.contains("replace it instead"))

            // when version 2 is live again, the unused key can be deleted
            #expect(try await browser.postForm(page + "/versions/2/activate", ["csrf": try await Self.csrf(browser, page)]).status == .seeOther)
            let deleted = try await browser.postForm(page + "/secrets", ["csrf": try await Self.csrf(browser, page), "key": "API_KEY", "action": "delete"])
            #expect(deleted.status == .seeOther)
            #expect(try await ServerSecret.query(on: app.db).filter(\.$server.$id == id).count() == 0)
            // and rolled back to version 1 without its key, Overview says the key is missing
            #expect(try await browser.postForm(page + "/versions/1/activate", ["csrf": try await Self.csrf(browser, page)]).status == .seeOther)
            let warned = try await browser.get(page).body.string
            #expect(warned.contains("id=\"missing-secrets\"") && warned.contains("API_KEY has no value yet"))
            #expect(try await browser.postForm(page + "/versions/2/activate", ["csrf": try await Self.csrf(browser, page)]).status == .seeOther)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "server.secret_deleted").count() == 1)
            #expect(!(try await browser.get(page + "/secrets").body.string.contains("Stored, not used")))
            let gone = try await browser.postForm(page + "/secrets", ["csrf": try await Self.csrf(browser, page), "key": "API_KEY", "action": "delete"])
            #expect(gone.status == .notFound)
        }
    }

    @Test("after a rollback, a secret only the newer version declares is listed as unused and can be deleted; a failed build's new key is offered",
          arguments: TestDatabase.all)
    func secretOfANewerVersion(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given version 2, which adds OTHER_KEY to version 1's API_KEY, both set
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Self.keyed)
            let page = "/servers/\(id.uuidString.lowercased())"
            var both = Self.keyed
            both.requiredSecrets.append(RequiredSecret(key: "OTHER_KEY", description: "Another key."))
            let versions = "/v1/servers/\(id.uuidString.lowercased())/versions"
            #expect(try await browser.postObject(versions, ["spec": try ServersAPITests.specObject(both)]).status == .accepted)
            try await BuildRunner(app: app).drain()
            for key in ["API_KEY", "OTHER_KEY"] {
                let set = try await browser.postForm(page + "/secrets", ["csrf": try await Self.csrf(browser, page), "key": key, "value": "value-of-\(key)"])
                #expect(set.status == .seeOther)
            }
            // when version 1 is live again
            #expect(try await browser.postObject(versions + "/1/activate", [:] as [String: Any]).status == .ok)
            // then OTHER_KEY is listed as stored and unused, and deleting it works
            let tab = try await browser.get(page + "/secrets").body.string
            #expect(tab.contains("Stored, not used") && tab.contains("<code>OTHER_KEY</code>"))
            let deleted = try await browser.postForm(page + "/secrets", ["csrf": try await Self.csrf(browser, page), "key": "OTHER_KEY", "action": "delete"])
            #expect(deleted.status == .seeOther)
            #expect(try await ServerSecret.query(on: app.db).filter(\.$server.$id == id).all().map(\.key) == ["API_KEY"])

            // and a build asking for a new key that fails offers that key on the tab (the API set it, the tab hid it)
            var broken = both
            broken.requiredSecrets[1] = RequiredSecret(key: "NEW_KEY", description: "A key the next version needs.")
            broken.tools[0].implementation = "return (;"
            #expect(try await browser.postObject(versions, ["spec": try ServersAPITests.specObject(broken)]).status == .accepted)
            try await BuildRunner(app: app).drain()
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == id).filter(\.$status == .failed).count() == 1)
            let offered = try await browser.get(page + "/secrets").body.string
            #expect(HTMLInspector(html: offered).tags("input").contains { $0.attributes["value"] == "NEW_KEY" }
                    || offered.contains("<code>NEW_KEY</code>"), "the key the last build asked for is on the tab")
        }
    }

    @Test("the API sets a declared secret for the next call, and refuses what the Secrets tab refuses", arguments: TestDatabase.all)
    func secretsAPI(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a server declaring API_KEY, created without its value, and an API token
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Self.keyed)
            #expect(try await Self.secrets(app, id) == [:])
            let token = try await Self.apiToken(browser)
            let path = "/v1/servers/\(id.uuidString.lowercased())/secrets/"
            func put(_ key: String, _ value: String) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(.PUT, path + key, headers: ["Authorization": "Bearer \(token)", "Content-Type": "application/json"],
                                                    body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: ["value": value])))
            }
            func delete(_ key: String) async throws -> TestingHTTPResponse {
                try await app.testing().sendRequest(.DELETE, path + key, headers: ["Authorization": "Bearer \(token)"])
            }

            // when / then
            #expect(try await put("API_KEY", "key-from-the-api").status == .noContent)
            #expect(try await Self.secrets(app, id) == ["API_KEY": "key-from-the-api"])
            #expect(try AccountDataTests.json(try await put("NOPE", "x"))["error"] as? String == "unknown_secret")
            #expect(try AccountDataTests.json(try await put("API_KEY", ""))["error"] as? String == "secret_required")
            #expect(try AccountDataTests.json(try await put("API_KEY", "   "))["error"] as? String == "secret_required")
            #expect(try await Self.secrets(app, id) == ["API_KEY": "key-from-the-api"])
            #expect(try AccountDataTests.json(try await delete("API_KEY"))["error"] as? String == "secret_in_use")
            let missing = try await delete("OTHER_KEY")
            #expect(missing.status == .notFound)
            #expect(try AccountDataTests.json(missing)["error"] as? String == "secret_not_found")
            // the first value is set, a second one replaces it
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "server.secret_set").count() == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "server.secret_replaced").count() == 0)
            #expect(try await put("API_KEY", "key-from-the-api-2").status == .noContent)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "server.secret_replaced").count() == 1)
            // another workspace's server is not found
            let (other, _) = try await AccountDataTests.signedIn(app)
            let theirs = try await Self.apiToken(other)
            let foreign = try await app.testing().sendRequest(.PUT, path + "API_KEY",
                                                              headers: ["Authorization": "Bearer \(theirs)", "Content-Type": "application/json"],
                                                              body: ByteBuffer(string: #"{"value": "x"}"#))
            #expect(foreign.status == .notFound)
        }
    }

    @Test("a rollback while a build is on its way is refused, so the build cannot silently undo it", arguments: TestDatabase.all)
    func rollbackDuringBuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given version 1 live and version 2 queued
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let page = "/servers/\(id.uuidString.lowercased())"
            let review = try await Self.iterate(app, browser, page, to: Self.unkeyed)
            #expect(try await browser.postForm(review, ["csrf": try await Self.csrf(browser, page)]).status == .seeOther)

            // when
            let refused = try await browser.postForm(page + "/versions/1/activate", ["csrf": try await Self.csrf(browser, page)])

            // then
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("still running"))
            try await BuildRunner(app: app).drain()
            let server = try #require(try await HostedServer.find(id, on: app.db))
            #expect(try await ServerVersion.find(server.activeVersionID, on: app.db)?.number == 2)
        }
    }

    @Test("an Iterate draft builds only on its own server; unchanged settings build nothing; a used-up build quota says when to retry", arguments: TestDatabase.all)
    func iterationDrafts(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given two servers and a change drafted for the first
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let first = try await Hosting.createAndBuild(browser)
            var other = Hosting.calculator
            other.slug = "calculator-two"
            let second = try await Hosting.createAndBuild(browser, other)
            let firstPage = "/servers/\(first.uuidString.lowercased())"
            let secondPage = "/servers/\(second.uuidString.lowercased())"
            var revised = Hosting.calculator
            revised.description = "Adds numbers, revised."
            let review = try await Self.iterate(app, browser, firstPage, to: revised)
            let draftID = try #require(review.split(separator: "/").last.map(String.init))
            let wizardDraft = try await browser.postObject("/v1/servers/preview", ["prompt": "Weather forecast for a city"])
            let previewID = try #require(try AccountDataTests.json(wizardDraft)["previewId"] as? String)

            // when the draft is reviewed or built on the other server, or a wizard draft on the first
            let elsewhere = try await browser.get(secondPage + "/iterations/" + draftID)
            let builtElsewhere = try await browser.postForm(secondPage + "/iterations/" + draftID, ["csrf": try await Self.csrf(browser, secondPage)])
            let wizardAsChange = try await browser.postForm(firstPage + "/iterations/" + previewID, ["csrf": try await Self.csrf(browser, firstPage)])

            // then none is found, and nothing was queued
            #expect(elsewhere.status == .notFound && builtElsewhere.status == .notFound && wizardAsChange.status == .notFound)
            #expect(try await Build.query(on: app.db).count() == 2)

            // when the settings are saved as they are
            let unchanged = try await browser.postForm(firstPage + "/settings", ["csrf": try await Self.csrf(browser, firstPage), "name": "Calculator", "domains": ""])
            // then nothing is built
            #expect(unchanged.status == .unprocessableEntity)
            #expect(unchanged.body.string.contains("Nothing changed: version 1 already serves exactly this."))
            #expect(try await Build.query(on: app.db).count() == 2)

            // when the day's third build (Hobby) is used and a fourth is asked for
            #expect(try await browser.postForm(review, ["csrf": try await Self.csrf(browser, firstPage)]).status == .seeOther)
            try await BuildRunner(app: app).drain()
            let fourth = try await browser.postForm(firstPage + "/settings", ["csrf": try await Self.csrf(browser, firstPage), "name": "Calc", "domains": ""])
            // then the page says so, with Retry-After as the API gives it
            #expect(fourth.status == .tooManyRequests)
            #expect(Int(fourth.headers.first(name: "Retry-After") ?? "") ?? 0 > 0)
        }
    }

    @Test("a server whose first build failed offers no client snippets; an undeclared secret and an empty create are named", arguments: TestDatabase.all)
    func failedFirstBuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var broken = Hosting.calculator
            broken.tools = [Hosting.tool("broken", "return (;")]
            let created = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(broken)])
            let id = try #require((try AccountDataTests.json(created)["id"] as? String).flatMap { UUID(uuidString: $0) })
            try await BuildRunner(app: app).drain()
            #expect(try await HostedServer.find(id, on: app.db)?.status == .failed)
            let overview = try await browser.get("/servers/\(id.uuidString.lowercased())").body.string
            #expect(overview.contains("id=\"connect-not-ready\""))
            #expect(!overview.contains("Create a token for these snippets"))

            var other = Hosting.calculator
            other.slug = "calculator-three"
            let bogus = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(other), "secrets": ["BOGUS": ""]])
            #expect(bogus.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(bogus)["error"] as? String == "unknown_secret")
            let empty = try await browser.postObject("/v1/servers", [String: Any]())
            #expect(empty.status == .unprocessableEntity)
            #expect((try AccountDataTests.json(empty)["message"] as? String)?.contains("not both") == false)
        }
    }

    @Test("the list's deleted notice names only a slug that is gone, so a link cannot make the page say something else")
    func deletedNotice() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            _ = try await Hosting.createAndBuild(browser)
            let spoof = try await browser.get("/servers?deleted=Your%20account%20is%20compromised.%20Call%20now")
            #expect(!spoof.body.string.contains("compromised"))
            let stillHere = try await browser.get("/servers?deleted=calculator")
            #expect(!stillHere.body.string.contains("Deleted “calculator”"))
            let gone = try await browser.get("/servers?deleted=weather-desk")
            #expect(gone.body.string.contains("Deleted “weather-desk”. Its endpoint no longer answers."))
        }
    }
}
