@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Builds: queue, steps, versions, failures")
struct BuildTests {
    static func logLines(_ app: Application, server: UUID) async throws -> [String] {
        let build = try #require(try await Build.query(on: app.db).filter(\.$server.$id == server).sort(\.$createdAt, .descending).first())
        return try await BuildQueue(database: app.db, now: app.clock.now).lines(of: build.id!).map(\.message)
    }

    @Test("a build validates, scans, compiles each tool, smoke-tests tools/list and activates version 1", arguments: TestDatabase.all)
    func successfulBuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when
            let id = try await Hosting.createAndBuild(browser)
            // then
            let server = try #require(try await HostedServer.find(id, on: app.db))
            #expect(server.status == .active)
            let version = try #require(try await ServerVersion.find(server.activeVersionID, on: app.db))
            #expect(version.number == 1)
            let lines = try await Self.logLines(app, server: id)
            #expect(lines.contains("Compiled add") && lines.contains("Compiled explode") && lines.contains("Compiled greet"))
            #expect(lines.contains { $0.hasPrefix("Smoke test: tools/list answers add, explode, greet") })
            #expect(lines.last == "Version 1 is live")
            #expect(app.hosting.contexts.count == 1, "the live version's context is loaded before the first call")
            let info = try AccountDataTests.json(try await browser.get("/v1/servers/\(id)"))
            #expect(info["status"] as? String == "active")
            #expect(try await UsageCounter.query(on: app.db).filter(\.$kind == "build").first()?.count == 1)
        }
    }

    @Test("a syntax error fails the build with the tool and line in the log; the server is not served", arguments: TestDatabase.all)
    func syntaxErrorFails(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var spec = Hosting.calculator
            spec.tools[1].implementation = "const x = ;\nreturn x;"
            let id = try await Hosting.createAndBuild(browser, spec)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            #expect(server.status == .failed)
            #expect(server.activeVersionID == nil)
            let failure = try #require(try await Self.logLines(app, server: id).last)
            #expect(failure.hasPrefix("Build failed: explode:"))
            #expect(failure.lowercased().contains("syntax"))
            // with nothing live there is nothing to publish: the page says so instead of offering it
            let page = try await browser.get("/servers/\(id.uuidString.lowercased())").body.string
            #expect(page.contains("id=\"publish-not-ready\"") && !page.contains("id=\"publish-link\""))
        }
    }

    @Test("every tool that does not compile is reported in one build, not only the first", arguments: TestDatabase.all)
    func everySyntaxError(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var spec = Hosting.calculator
            spec.tools[0].implementation = "return {;"
            spec.tools[2].implementation = "const = 1;"
            let id = try await Hosting.createAndBuild(browser, spec)
            let lines = try await Self.logLines(app, server: id)
            #expect(lines.contains { $0.hasPrefix("add: ") } && lines.contains { $0.hasPrefix("greet: ") }, "\(lines)")
            #expect(lines.contains("Compiled explode"))
            let failure = try #require(lines.last)
            #expect(failure.hasPrefix("Build failed: add: ") && failure.hasSuffix("and 1 more, listed above"), "\(failure)")
        }
    }

    @Test("the daily build quota answers 429 with Retry-After and creates nothing", arguments: TestDatabase.all)
    func buildQuota(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let headers: HTTPHeaders = ["X-CSRF-Token": browser.csrfCookie ?? ""]
            // given Hobby's 3 builds used today (deleting keeps the server limit out of the way)
            for index in 0..<PlanTable.hobby.dailyBuilds {
                var spec = Hosting.calculator
                spec.slug = "calc-\(index)"
                let id = try await Hosting.createAndBuild(browser, spec)
                #expect(try await browser.send(.DELETE, "/v1/servers/\(id)", headers: headers).status == .noContent)
            }
            // when
            var spec = Hosting.calculator
            spec.slug = "one-too-many"
            let refused = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec)])
            // then
            #expect(refused.status == .tooManyRequests)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "quota_exceeded")
            #expect(refused.headers.first(name: "Retry-After") != nil)
            #expect(try await HostedServer.query(on: app.db).count() == 0)
        }
    }

    @Test("deleting a server removes it, its versions and secrets, and records who did it", arguments: TestDatabase.all)
    func deleteServer(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let (other, _) = try await AccountDataTests.signedIn(app)
            #expect(try await other.send(.DELETE, "/v1/servers/\(id)", headers: ["X-CSRF-Token": other.csrfCookie ?? ""]).status == .notFound)
            // sent four times at once (a double click, a retry): one deletion, the others find nothing to delete
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await browser.send(.DELETE, "/v1/servers/\(id)", headers: ["X-CSRF-Token": browser.csrfCookie ?? ""]).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .noContent }.count == 1 && statuses.filter { $0 == .notFound }.count == 3, "\(statuses)")
            #expect(try await HostedServer.find(id, on: app.db) == nil)
            #expect(try await ServerVersion.query(on: app.db).count() == 0)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "server.deleted").count() == 1)
        }
    }

    @Test("the build log's WebSocket answers 404 for another workspace's server or an unknown build, before any upgrade",
          arguments: TestDatabase.all)
    func socketOfUnknownBuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let build = try #require(try await Build.query(on: app.db).filter(\.$server.$id == id).first()?.id)
            let (other, _) = try await AccountDataTests.signedIn(app)
            let upgrade: HTTPHeaders = ["Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
                                        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="]
            // when
            let foreign = try await other.get("/v1/servers/\(id)/builds/\(build)/log/ws", headers: upgrade)
            let unknown = try await browser.get("/v1/servers/\(id)/builds/\(UUID())/log/ws", headers: upgrade)
            let own = try await browser.get("/v1/servers/\(id)/builds/\(build)/log/ws", headers: upgrade)
            // then
            #expect(foreign.status == .notFound)
            #expect(try AccountDataTests.json(foreign)["error"] as? String == "server_not_found")
            #expect(unknown.status == .notFound)
            #expect(try AccountDataTests.json(unknown)["error"] as? String == "build_not_found")
            #expect(own.status == .switchingProtocols)
            // a plain GET is not switched; a foreign Origin gets a 403 it can read
            let plain = try await browser.get("/v1/servers/\(id)/builds/\(build)/log/ws")
            #expect(plain.status == .badRequest)
            #expect(try AccountDataTests.json(plain)["error"] as? String == "websocket_upgrade_required")
            var fromAfar = upgrade
            fromAfar.add(name: .origin, value: "https://evil.example")
            let refused = try await browser.get("/v1/servers/\(id)/builds/\(build)/log/ws", headers: fromAfar)
            #expect(refused.status == .forbidden)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "origin_not_allowed")
        }
    }
}

extension BuildTests {
    @Test("a banned pattern that reaches a build (a spec stored before a rule existed) fails it with the reason in the log", arguments: TestDatabase.all)
    func bannedPatternFailsTheBuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            var spec = Hosting.calculator
            spec.tools[0].implementation = "return eval('1 + 1');"
            _ = try await BuildQueue(database: app.db, now: app.clock.now).enqueue(spec, for: server, by: nil, plan: PlanTable.enterprise)
            try await BuildRunner(app: app).drain()
            let failure = try #require(try await Self.logLines(app, server: id).last)
            #expect(failure.hasPrefix("Build failed: tools[0].implementation"))
            #expect(failure.contains("eval"))
            // the version that was live stays live
            let after = try #require(try await HostedServer.find(id, on: app.db))
            #expect(after.status == .active)
            #expect(try await ServerVersion.query(on: app.db).count() == 1)
        }
    }
}
