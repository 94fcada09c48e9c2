@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// `/v1/servers/{server}/versions`: a script deploying a server from the spec it keeps.
@Suite("Servers API: versions, builds from a spec, rollback")
struct ServerVersionsAPITests {
    static func versions(_ browser: BrowserSession, _ id: UUID) async throws -> [[String: Any]] {
        let response = try await browser.get("/v1/servers/\(id)/versions")
        #expect(response.status == .ok)
        return try #require(try AccountDataTests.json(response)["versions"] as? [[String: Any]])
    }

    static func doubled(_ spec: ServerSpec) -> ServerSpec {
        var spec = spec
        spec.tools.append(Hosting.tool("double", "return args.n * 2;", schema: ["type": "object", "properties": ["n": ["type": "number"]]]))
        return spec
    }

    @Test("read the live spec, build an edited one as the next version, roll back, and forward again", arguments: TestDatabase.all)
    func deployAndRollBack(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)

            // given: one version, serving
            let first = try await Self.versions(browser, id)
            #expect(first.count == 1)
            #expect(first[0]["number"] as? Int == 1 && first[0]["active"] as? Bool == true)
            #expect(first[0]["tools"] as? [String] == ["add", "explode", "greet"])
            let shown = try await browser.get("/v1/servers/\(id)/versions/1")
            let spec = try #require(try AccountDataTests.json(shown)["spec"] as? [String: Any])
            #expect(spec["slug"] as? String == "calculator")
            let live = try SpecJSON.decode(String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self))
            #expect(live == Hosting.calculator, "the spec as it serves, ready to edit and send back")

            // when: the edited spec is sent back
            let built = try await browser.postObject("/v1/servers/\(id)/versions", ["spec": try ServersAPITests.specObject(Self.doubled(live))])

            // then: a build is queued and its version serves once it succeeds
            #expect(built.status == .accepted, "\(built.body.string)")
            #expect(try AccountDataTests.json(built)["buildStatus"] as? String == "queued")
            let buildID = try #require((try AccountDataTests.json(built)["buildId"] as? String).flatMap(UUID.init(uuidString:)))
            #expect(try await Build.find(buildID, on: app.db)?.$server.id == id)
            try await BuildRunner(app: app).drain()
            let second = try await Self.versions(browser, id)
            #expect(second.map { $0["number"] as? Int } == [2, 1], "newest first")
            #expect(second.map { $0["active"] as? Bool } == [true, false])
            #expect((second[0]["tools"] as? [String])?.contains("double") == true)
            #expect(try AccountDataTests.json(try await browser.get("/v1/servers/\(id)"))["buildStatus"] as? String == "succeeded")
            let builtOverview = try await browser.get("/servers/\(id)").body.string
            #expect(builtOverview.contains(">version 2</a>") && !builtOverview.contains("id=\"rolled-back\""))

            // when: version 1 serves again
            let rolledBack = try await browser.postObject("/v1/servers/\(id)/versions/1/activate", [:] as [String: Any])

            // then
            #expect(rolledBack.status == .ok, "\(rolledBack.body.string)")
            #expect(try AccountDataTests.json(rolledBack)["status"] as? String == "active")
            #expect(try await Self.versions(browser, id).map { $0["active"] as? Bool } == [false, true])
            // the Overview, whose latest build log ends "Version 2 is live", says what serves now
            let overview = try await browser.get("/servers/\(id)").body.string
            #expect(overview.contains("Serving <a href=\"/servers/\(id.uuidString.lowercased())/versions\">version 1</a>."))
            #expect(overview.contains("Version 1 is live now: it was activated after this build, which made version 2."))
            #expect(try await HostedServer.find(id, on: app.db)?.activeVersionID == (try await ServerVersion.query(on: app.db).filter(\.$number == 1).first())?.id)
            let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "server.version_activated").all()
            #expect(audit.count == 1)

            // and forward again, without a build
            let forward = try await browser.postObject("/v1/servers/\(id)/versions/2/activate", [:] as [String: Any])
            #expect(forward.status == .ok)
            #expect(try await Build.query(on: app.db).count() == 2)
            // the live version activated again changes nothing, and the audit log does not say it did
            #expect(try await browser.postObject("/v1/servers/\(id)/versions/2/activate", [:] as [String: Any]).status == .ok)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "server.version_activated").count() == 2)
        }
    }

    @Test("a rebuild that fails: status stays active for the version that still serves, and buildStatus says the deploy failed",
          arguments: TestDatabase.all)
    func failedRebuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            #expect(try AccountDataTests.json(try await browser.get("/v1/servers/\(id)"))["buildStatus"] as? String == "succeeded")
            var broken = Self.doubled(Hosting.calculator)
            broken.tools[0].implementation = "return (;"
            let sent = try await browser.postObject("/v1/servers/\(id)/versions", ["spec": try ServersAPITests.specObject(broken)])
            #expect(sent.status == .accepted, "\(sent.body.string)")
            #expect(try AccountDataTests.json(sent)["buildStatus"] as? String == "queued")
            try await BuildRunner(app: app).drain()
            let after = try AccountDataTests.json(try await browser.get("/v1/servers/\(id)"))
            #expect(after["status"] as? String == "active")
            #expect(after["buildStatus"] as? String == "failed")
            #expect(after["buildId"] as? String == (try AccountDataTests.json(sent)["buildId"] as? String))
            // and the audit log tells which build made which version, and which failed, by whom
            let events = try await AuditEvent.query(on: app.db).filter(\.$action ~~ ["server.build_succeeded", "server.build_failed"])
                .sort(\.$createdAt).all()
            #expect(events.map(\.action) == ["server.build_succeeded", "server.build_failed"])
            #expect(events[0].metadata.contains(#""version":"1""#))
            let failedBuild = try #require(after["buildId"] as? String).lowercased()
            #expect(events[1].metadata.lowercased().contains(failedBuild))
            #expect(events.allSatisfy { $0.actorUserID != nil })
            let requested = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "server.build_requested").first())
            #expect(requested.metadata.lowercased().contains(failedBuild))
        }
    }

    @Test("refusals: nothing changed, another slug, no spec, an invalid spec, a build still running, no such version or server",
          arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let path = "/v1/servers/\(id)/versions"
            /// "422 no_change": the status and the error code, compared at once.
            func answer(_ response: TestingHTTPResponse) throws -> String {
                "\(response.status.code) \(try AccountDataTests.json(response)["error"] as? String ?? "-")"
            }

            let same = try await browser.postObject(path, ["spec": try ServersAPITests.specObject(Hosting.calculator)])
            #expect(try answer(same) == "422 no_change")
            var renamed = Self.doubled(Hosting.calculator)
            renamed.slug = "other"
            let otherSlug = try await browser.postObject(path, ["spec": try ServersAPITests.specObject(renamed)])
            #expect(try answer(otherSlug) == "422 invalid_request")
            #expect(otherSlug.body.string.contains("calculator"), "names the slug to send")
            let none = try await browser.postObject(path, [:] as [String: Any])
            #expect(try answer(none) == "422 invalid_request")
            var invalid = Hosting.calculator
            invalid.tools[0].name = "not a name"
            let refused = try await browser.postObject(path, ["spec": try ServersAPITests.specObject(invalid)])
            #expect(try answer(refused) == "422 spec_invalid", "\(refused.body.string)")
            #expect(try await Build.query(on: app.db).count() == 1, "no refused spec was queued")

            // a rollback while a build runs would be undone by it
            let queued = try await browser.postObject(path, ["spec": try ServersAPITests.specObject(Self.doubled(Hosting.calculator))])
            #expect(queued.status == .accepted)
            let busy = try await browser.postObject("\(path)/1/activate", [:] as [String: Any])
            #expect(try answer(busy) == "409 build_in_progress")
            try await BuildRunner(app: app).drain()

            // zero, negative and Int.min (whose predecessor overflowed and took the process down) exist no more than 9
            for missing in ["\(path)/9", "\(path)/nine", "\(path)/0", "\(path)/-1", "\(path)/\(Int.min)"] {
                let shown = try await browser.get(missing)
                #expect(try answer(shown) == "404 version_not_found", "\(missing)")
            }
            for missing in ["9", "0", "\(Int.min)"] {
                let activated = try await browser.postObject("\(path)/\(missing)/activate", [:] as [String: Any])
                #expect(try answer(activated) == "404 version_not_found", "\(missing)")
            }

            // another workspace's server is not there at all
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            for response in [try await stranger.get(path), try await stranger.get("\(path)/1"),
                             try await stranger.postObject("\(path)/1/activate", [:] as [String: Any]),
                             try await stranger.postObject(path, ["spec": try ServersAPITests.specObject(Self.doubled(Hosting.calculator))])] {
                #expect(try answer(response) == "404 server_not_found")
            }
        }
    }

    @Test("an API token reaches the versions; an MCP-only token does not", arguments: TestDatabase.all)
    func tokens(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let api = try #require(try AccountDataTests.json(try await browser.postObject("/v1/tokens", ["name": "deploy", "scopes": ["api"]]))["token"] as? String)
            let mcp = try await Hosting.token(browser)
            let listed = try await app.testing().sendRequest(.GET, "/v1/servers/\(id)/versions", headers: ["Authorization": "Bearer \(api)"])
            #expect(listed.status == .ok)
            let refused = try await app.testing().sendRequest(.GET, "/v1/servers/\(id)/versions", headers: ["Authorization": "Bearer \(mcp)"])
            #expect(refused.status == .forbidden)
            #expect(try AccountDataTests.json(refused)["error"] as? String == "insufficient_scope")
        }
    }

    @Test("sent at once: each answer names its own build, and the same spec sent twice is one build and one of the day's builds",
          arguments: TestDatabase.all)
    func concurrentBuilds(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let organization = try #require(try await HostedServer.find(id, on: app.db)).$organization.id
            try await Workspaces.allowMembers(browser)  // Team: builds enough for the day
            let path = "/v1/servers/\(id)/versions"
            var tripled = Self.doubled(Hosting.calculator)
            tripled.tools.append(Hosting.tool("triple", "return args.n * 3;", schema: ["type": "object", "properties": ["n": ["type": "number"]]]))
            let specs = [Self.doubled(Hosting.calculator), tripled]
            let usedBefore = try await UsageService(database: app.db, now: Date()).today(.build, organization: organization)

            // when two different specs and then one spec four times are sent at once
            func send(_ specs: [ServerSpec]) async throws -> [(ServerSpec, TestingHTTPResponse)] {
                try await withThrowingTaskGroup(of: (ServerSpec, TestingHTTPResponse).self) { group in
                    for spec in specs { group.addTask { (spec, try await browser.postObject(path, ["spec": try ServersAPITests.specObject(spec)])) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            let different = try await send(specs)
            var again = Self.doubled(Hosting.calculator)
            again.name = "Calculator again"
            let repeated = try await send(Array(repeating: again, count: 4))

            // then each answer's build is the one of the spec it sent
            for (spec, answer) in different + repeated {
                #expect(answer.status == .accepted, "\(answer.body.string)")
                let buildID = try #require((try AccountDataTests.json(answer)["buildId"] as? String).flatMap(UUID.init(uuidString:)))
                let build = try #require(try await Build.find(buildID, on: app.db))
                #expect(try SpecJSON.decode(build.specJSON) == spec)
            }
            let repeatedIDs = Set(try repeated.map { try AccountDataTests.json($0.1)["buildId"] as? String })
            #expect(repeatedIDs.count == 1, "one build for one spec sent four times")
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == id).filter(\.$status == .queued).count() == 3)
            #expect(try await UsageService(database: app.db, now: Date()).today(.build, organization: organization) == usedBefore + 3)
        }
    }
}
