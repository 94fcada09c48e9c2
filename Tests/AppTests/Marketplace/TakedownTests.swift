@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Takedown: every fork's endpoint answers 410 at once, the owner sees why, and a rebuild from an edited spec serves again")
struct TakedownTests {
    typealias Fixtures = ModerationFixtures
    typealias Client = MCPEndpointTests.Client

    struct Setting {
        let owner: Fixtures.Person
        let forker: Fixtures.Person
        let admin: Fixtures.Person
        let template: Template
        let version: TemplateVersion
        let source: UUID
        let fork: UUID
        let sourceClient: Client
        let forkClient: Client
    }

    /// An owner's live server published as a template, and a second person's live fork of it.
    static func setUp(_ app: Application) async throws -> Setting {
        let owner = try await Fixtures.person(app)
        let forker = try await Fixtures.person(app)
        let admin = try await Fixtures.person(app, admin: true)
        let source = try await Hosting.createAndBuild(owner.browser)
        let (template, version) = try await Fixtures.template(app, owner: owner, title: "Pocket calculator", sourceServer: source)
        let fork = try await Hosting.createAndBuild(forker.browser)
        try await Fixtures.attach(app, server: fork, to: template, version)
        return Setting(owner: owner, forker: forker, admin: admin, template: template, version: version, source: source, fork: fork,
                       sourceClient: Client(app: app, path: SiteRoute.mcp(.value(source)).path, token: try await Hosting.token(owner.browser)),
                       forkClient: Client(app: app, path: SiteRoute.mcp(.value(fork)).path, token: try await Hosting.token(forker.browser)))
    }

    static var add: [String: Any] { ["name": "add", "arguments": ["a": 2, "b": 3]] }

    static func initialize(_ client: Client) async throws -> TestingHTTPResponse {
        try await client.post(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any], "clientInfo": ["name": "t", "version": "1"]]])
    }

    /// A 410 `template_taken_down` naming the template and the way back.
    static func expectStopped(_ response: TestingHTTPResponse, _ template: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == .gone, "answered \(response.status): \(response.body.string.prefix(200))", sourceLocation: sourceLocation)
        let body = try AccountDataTests.json(response, sourceLocation: sourceLocation)
        #expect(body["error"] as? String == "template_taken_down", sourceLocation: sourceLocation)
        let message = body["message"] as? String ?? ""
        #expect(message.contains("“\(template)”") && message.contains("rebuild"), "message: \(message)", sourceLocation: sourceLocation)
    }

    /// `server`'s `status` in `GET /v1/servers` and in `GET /v1/servers/{id}`.
    static func apiStatus(_ browser: BrowserSession, _ server: UUID) async throws -> [String] {
        let list = try AccountDataTests.json(try await browser.get(SiteRoute.api(.servers).path))
        let listed = (list["servers"] as? [[String: Any]] ?? []).first { ($0["id"] as? String)?.lowercased() == server.uuidString.lowercased() }
        let one = try AccountDataTests.json(try await browser.get(SiteRoute.api(.server(.value(server))).path))
        return [listed?["status"] as? String ?? "missing", one["status"] as? String ?? "missing"]
    }

    /// A moderator takes the template down through the admin form.
    static func takeDown(_ setting: Setting, reason: String = "Exfiltrates arguments",
                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let csrf = try await Fixtures.adminCSRF(setting.admin)
        let down = try await setting.admin.browser.postForm(SiteRoute.adminTemplate(.value(setting.template.slug), .takedown).path,
                                                            ["csrf": csrf, "reason": reason])
        #expect(down.status == .seeOther, sourceLocation: sourceLocation)
    }

    @Test("both protocol eras: a warm fork answers 410 right after the takedown; the source server keeps running", arguments: TestDatabase.all)
    func forksStop(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a fork that is serving, with a cached context and an open 2025 session
            let setting = try await Self.setUp(app)
            var legacy = setting.forkClient
            let initialized = try await Self.initialize(legacy)
            #expect(initialized.status == .ok)
            legacy.session = try #require(initialized.headers.first(name: "MCP-Session-Id"))
            let before = try await setting.forkClient.stateless("tools/call", Self.add, name: "add")
            #expect(try MCPEndpointTests.result(before)["isError"] as? Bool == false)
            #expect(try await legacy.post(["jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": Self.add]).status == .ok)
            let cached = try #require(try await app.hosting.contexts.context(for: setting.fork, app: app))
            #expect(!cached.stamp.isTemplateTakenDown)

            // when a moderator takes the template down
            try await Self.takeDown(setting)

            // then, without waiting for the cache's lifetime: 2026-07-28 stateless calls and lists
            try Self.expectStopped(try await setting.forkClient.stateless("tools/call", Self.add, name: "add"), "Pocket calculator")
            try Self.expectStopped(try await setting.forkClient.stateless("tools/list"), "Pocket calculator")
            // the open 2025 session, and a new one
            try Self.expectStopped(try await legacy.post(["jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": Self.add]), "Pocket calculator")
            try Self.expectStopped(try await Self.initialize(setting.forkClient), "Pocket calculator")
            let stopped = try await setting.forkClient.stateless("tools/call", Self.add, name: "add")
            #expect(try AccountDataTests.json(stopped)["message"] as? String ?? "" == TemplateTakedown.endpointStopped(
                title: "Pocket calculator", reason: "Exfiltrates arguments").reason)
            // nothing ran
            try await app.hosting.calls.flush(on: app.db)
            #expect(try await ToolCallRecord.query(on: app.db).filter(\.$server.$id == setting.fork).count() == 2)

            // a caller without a token still learns nothing but how to authenticate
            let anonymous = try await app.testing().sendRequest(.POST, setting.forkClient.path, headers: ["Content-Type": "application/json"],
                                                                body: ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#))
            #expect(anonymous.status == .unauthorized)

            // the source server is not a fork: it keeps serving its owner
            let source = try await setting.sourceClient.stateless("tools/call", Self.add, name: "add")
            #expect(source.status == .ok)
            #expect(try MCPEndpointTests.result(source)["isError"] as? Bool == false)
            #expect(try await Self.initialize(setting.sourceClient).status == .ok)
        }
    }

    @Test("the publisher deleting their account does not undo a takedown: forks stay stopped, the slug stays taken", arguments: TestDatabase.all)
    func outlivesPublisher(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let setting = try await Self.setUp(app)
            try await Self.takeDown(setting)
            try Self.expectStopped(try await setting.forkClient.stateless("tools/call", Self.add, name: "add"), "Pocket calculator")
            // when the publisher deletes their account (and with it their only workspace)
            let owner = setting.owner.browser
            let deleted = try await owner.send(.DELETE, "/v1/account", headers: ["Content-Type": "application/json", "X-CSRF-Token": owner.csrfCookie ?? ""],
                                               body: ByteBuffer(string: #"{"confirm":"\#(setting.owner.email)"}"#))
            #expect(deleted.status == .noContent)
            #expect(try await Organization.find(setting.owner.organizationID, on: app.db) == nil)
            // then the fork is still stopped, also with a fresh look at the database
            _ = try await app.hosting.contexts.context(for: setting.fork, app: app, maxAge: .zero)
            try Self.expectStopped(try await setting.forkClient.stateless("tools/call", Self.add, name: "add"), "Pocket calculator")
            // its template still answers 410 and holds its slug; an unedited rebuild is still refused
            let kept = try await Fixtures.reload(app, setting.template)
            #expect(kept.status == .takedown && kept.$organization.id == RemovedPublisher.organizationID)
            #expect(try await app.testing().sendRequest(.GET, SiteRoute.template(.value(setting.template.slug)).path).status == .gone)
            let holder = try #require(try await Organization.find(RemovedPublisher.organizationID, on: app.db))
            #expect(holder.suspendedAt != nil)
            #expect(try await Membership.query(on: app.db).filter(\.$organization.$id == RemovedPublisher.organizationID).count() == 0)
            let fork = try #require(try await HostedServer.find(setting.fork, on: app.db))
            await #expect(throws: APIError.self) {
                try await TemplateTakedown.checkRebuild(fork, spec: try SpecJSON.decode(fork.specJSON), on: app.db)
            }
        }
    }

    @Test("the tools of an earlier version of a taken-down template cannot be published again either", arguments: TestDatabase.all)
    func earlierVersionNotRepublished(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a template whose version 2 has other tools than version 1 (the calculator's), taken down
            let setting = try await Self.setUp(app)
            var second = Hosting.calculator
            second.tools = [Hosting.tool("multiply", "return { product: args.a * args.b };")]
            let version = TemplateVersion()
            version.id = UUID()
            version.$template.id = try setting.template.requireID()
            version.number = 2
            version.specJSON = SpecJSON.encode(second)
            version.createdAt = Date()
            try await version.create(on: app.db)
            let template = try await Fixtures.reload(app, setting.template)
            template.latestVersion = 2
            template.toolNames = "multiply"
            try await template.save(on: app.db)
            try await Self.takeDown(setting)
            // the fork shows as stopped in its owner's list, the source server as live in its owner's
            #expect(try await setting.forker.browser.get("/servers").body.string.contains(">Stopped<"))
            #expect(!(try await setting.owner.browser.get("/servers").body.string.contains(">Stopped<")))

            // when someone else publishes version 1's tools under another name
            var copy = Hosting.calculator
            copy.slug = "calculator-again"
            let again = try await Hosting.createAndBuild(setting.forker.browser, copy)
            let refused = try await Publishing.publish(setting.forker.browser, again, title: "Fresh calculator")

            // then
            #expect(refused.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "takedown_spec")

            // when the fork had taken version 2 before the takedown, and is rebuilt with its own version 1's tools
            let fork = try #require(try await HostedServer.find(setting.fork, on: app.db))
            fork.templateVersionID = version.id
            try await fork.save(on: app.db)

            // then the rebuild is refused as unedited, and a build already queued with them leaves the fork attached (stopped)
            await #expect(throws: APIError.self) {
                try await TemplateTakedown.checkRebuild(fork, spec: Hosting.calculator, on: app.db)
            }
            try await TemplateTakedown.detachIfRebuilt(fork, spec: Hosting.calculator, on: app.db)
            #expect(fork.templateID == setting.template.id)
            // while edited tools free it
            var edited = Hosting.calculator
            edited.tools[0].implementation += "\n// reviewed and changed"
            try await TemplateTakedown.checkRebuild(fork, spec: edited, on: app.db)
            try await TemplateTakedown.detachIfRebuilt(fork, spec: edited, on: app.db)
            #expect(fork.templateID == nil)
        }
    }

    @Test("the taken-down tools cannot be published again under another name; edited tools can", arguments: TestDatabase.all)
    func notRepublished(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let setting = try await Self.setUp(app)
            try await Self.takeDown(setting)
            // when the owner builds the same tools as a new server and publishes it
            var copy = Hosting.calculator
            copy.slug = "calculator-again"
            copy.name = "Totally new calculator"
            let again = try await Hosting.createAndBuild(setting.owner.browser, copy)
            let refused = try await Publishing.publish(setting.owner.browser, again, title: "Fresh calculator")
            // then
            #expect(refused.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "takedown_spec")
            #expect(try await Template.query(on: app.db).count() == 1)
            // edited tools are another template
            try await Publishing.rewriteLiveSpec(app, again) { $0.tools[0].implementation += "\n// reviewed and changed" }
            #expect(try await Publishing.publish(setting.owner.browser, again, title: "Fresh calculator").status == .created)
        }
    }

    @Test("a takedown made through another instance reaches a cached fork at its next stamp check", arguments: TestDatabase.all)
    func otherInstance(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let setting = try await Self.setUp(app)
            #expect(try await setting.forkClient.stateless("tools/call", Self.add, name: "add").status == .ok)
            #expect(try await app.hosting.contexts.context(for: setting.fork, app: app) != nil)

            // when another instance takes it down: only the database changes, this cache is not told
            let template = try await Fixtures.reload(app, setting.template)
            template.status = .takedown
            template.takedownReason = "Spam"
            try await template.save(on: app.db)

            // then the fork's stamp differs, so the entry's next check (after at most `lifetime`) sees it
            let checked = try #require(try await app.hosting.contexts.context(for: setting.fork, app: app, maxAge: .zero))
            #expect(checked.stamp.isTemplateTakenDown)
            try Self.expectStopped(try await setting.forkClient.stateless("tools/call", Self.add, name: "add"), "Pocket calculator")
            let separate = ServerContextCache(lifetime: .zero)
            #expect(try await separate.context(for: setting.source, app: app)?.stamp.isTemplateTakenDown == false, "the source is no fork")

            // a restore through the other instance brings the fork back the same way
            template.status = .hidden
            try await template.save(on: app.db)
            _ = try await app.hosting.contexts.context(for: setting.fork, app: app, maxAge: .zero)
            #expect(try await setting.forkClient.stateless("tools/call", Self.add, name: "add").status == .ok)
        }
    }

    @Test("the fork's page shows the banner with the reason; rebuilding with unchanged tools is refused, an edited rebuild detaches and serves", arguments: TestDatabase.all)
    func bannerAndRebuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a taken-down template and its fork
            let setting = try await Self.setUp(app)
            let page = SiteRoute.server(.value(setting.fork)).path
            #expect(!(try await setting.forker.browser.get(page).body.string.contains("takedown-banner")))
            _ = try await ModerationService(database: app.db, now: Date(), audit: AuditLog(database: app.db, now: Date(), ip: nil, userAgent: nil),
                                            contexts: app.hosting.contexts, admin: setting.admin.user)
                .apply(.takedown, to: setting.template.slug, reason: "Sends <secrets> away")

            // the banner, escaped, with a link to Iterate
            let html = try await setting.forker.browser.get(page).body.string
            #expect(html.contains("id=\"takedown-banner\""))
            #expect(html.contains("Pocket calculator"))
            #expect(html.contains("Sends &lt;secrets&gt; away"))
            #expect(HTMLInspector(html: html).tags("a").contains { $0.attributes["href"] == SiteRoute.server(.value(setting.fork), .versions).path(fragment: "iterate-title") })
            #expect(!(try await setting.owner.browser.get(SiteRoute.server(.value(setting.source)).path).body.string.contains("takedown-banner")),
                    "the source server has no banner")
            // the API says what the list says: the fork is stopped, the source server live
            #expect(try await Self.apiStatus(setting.forker.browser, setting.fork) == ["stopped", "stopped"])
            #expect(try await Self.apiStatus(setting.owner.browser, setting.source) == ["active", "active"])

            // a new name alone would bring the same tools back: refused, nothing queued
            let csrf = try #require(BrowserSession.csrfField(in: html))
            let builds = try await Build.query(on: app.db).filter(\.$server.$id == setting.fork).count()
            let renamed = try await setting.forker.browser.postForm(SiteRoute.server(.value(setting.fork), .settings).path,
                                                                    ["csrf": csrf, "name": "My calculator", "domains": ""])
            #expect(renamed.status == .unprocessableEntity)
            #expect(renamed.body.string.contains("Change its tools"))
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == setting.fork).count() == builds)

            // when the owner iterates with an edited tool and builds
            var edited = Hosting.calculator
            edited.tools[0].implementation = "return { sum: Number(args.a) + Number(args.b), checked: true };"
            app.useDrafter(ScriptedDrafter(steps: [.spec(edited)]))
            let asked = try await setting.forker.browser.postForm(SiteRoute.server(.value(setting.fork), .iterate).path,
                                                                  ["csrf": csrf, "change": "Rewrite add without sending anything anywhere"])
            #expect(asked.status == .seeOther)
            let review = try #require(asked.headers.first(name: .location))
            #expect(try await setting.forker.browser.get(review).status == .ok)
            // still stopped while the build waits
            try Self.expectStopped(try await setting.forkClient.stateless("tools/call", Self.add, name: "add"), "Pocket calculator")
            let built = try await setting.forker.browser.postForm(review, ["csrf": csrf])
            #expect(built.status == .seeOther)
            try await BuildRunner(app: app).drain()

            // then the server is detached and serves the edited tool again
            let server = try #require(try await HostedServer.find(setting.fork, on: app.db))
            #expect(server.templateID == nil && server.templateVersionID == nil)
            let answer = try await setting.forkClient.stateless("tools/call", Self.add, name: "add")
            #expect(answer.status == .ok)
            #expect((try MCPEndpointTests.result(answer)["structuredContent"] as? [String: Any])?["checked"] as? Bool == true)
            #expect(!(try await setting.forker.browser.get(page).body.string.contains("takedown-banner")))
            #expect(try await Self.apiStatus(setting.forker.browser, setting.fork) == ["active", "active"])
            // rolling back to the version from before the takedown would serve its tools again: refused
            let live = server.activeVersionID
            let rollback = try await setting.forker.browser.postForm(SiteRoute.server(.value(setting.fork), .activateVersion(.value(1))).path, ["csrf": csrf])
            #expect(rollback.status == .unprocessableEntity)
            #expect(rollback.body.string.contains("took down"))
            #expect(try await HostedServer.find(setting.fork, on: app.db)?.activeVersionID == live)
            // while the source server, which is no fork, may still roll back (to its only version here)
            let sourceRollback = try await setting.owner.browser.postForm(SiteRoute.server(.value(setting.source), .activateVersion(.value(1))).path,
                                                                          ["csrf": setting.owner.browser.csrfCookie ?? ""])
            #expect(sourceRollback.status == .seeOther)
            // and the template stays down
            #expect(try await Fixtures.reload(app, setting.template).status == .takedown)
        }
    }

    @Test("a build of the published tools that lands after the takedown (queued before it) leaves the fork stopped", arguments: TestDatabase.all)
    func lateBuildStaysStopped(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let setting = try await Self.setUp(app)
            let server = try #require(try await HostedServer.find(setting.fork, on: app.db))
            let forker = try #require(try await Organization.find(setting.forker.organizationID, on: app.db))
            _ = try await BuildQueue(database: app.db, now: app.clock.now)
                .enqueue(Hosting.calculator, for: server, by: setting.forker.user.id, plan: PlanTable.plan(forker.planID))
            let template = try await Fixtures.reload(app, setting.template)
            template.status = .takedown
            try await template.save(on: app.db)

            try await BuildRunner(app: app).drain()

            let after = try #require(try await HostedServer.find(setting.fork, on: app.db))
            #expect(after.templateID == setting.template.id)
            #expect(try await ServerVersion.query(on: app.db).filter(\.$server.$id == setting.fork).count() == 2, "the build itself succeeded")
            try Self.expectStopped(try await setting.forkClient.stateless("tools/call", Self.add, name: "add"), "Pocket calculator")
        }
    }
}
