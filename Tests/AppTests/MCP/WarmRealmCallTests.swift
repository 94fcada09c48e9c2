@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("MCP tool calls share a warm realm per server version")
struct WarmRealmCallTests {
    static let spec = ServerSpec(
        name: "Counter", slug: "counter", description: "Counts its calls.",
        tools: [Hosting.tool("count", "globalThis.count = (globalThis.count ?? 0) + 1;\nreturn { count };")]
    )

    static func count(_ client: MCPEndpointTests.Client, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int? {
        let response = try await client.stateless("tools/call", ["name": "count", "arguments": [:] as [String: Any]], name: "count")
        let result = try MCPEndpointTests.result(response, sourceLocation: sourceLocation)
        return (result["structuredContent"] as? [String: Any])?["count"] as? Int
    }

    static func setUp(_ app: Application) async throws -> (MCPEndpointTests.Client, HostedServer) {
        let (browser, _) = try await AccountDataTests.signedIn(app)
        let id = try await Hosting.createAndBuild(browser, spec)
        let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
        return (client, try #require(try await HostedServer.find(id, on: app.db)))
    }

    @Test("a global set by one call is seen by the next calls of the same version once its realm is kept, and not after a new version is built", arguments: TestDatabase.all)
    func versionChange(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (client, server) = try await Self.setUp(app)
            // A server's first call runs in a fresh context; its second builds the realm the third finds.
            let before = [try await Self.count(client), try await Self.count(client), try await Self.count(client)]

            // when
            _ = try await BuildQueue(database: app.db, now: app.clock.now).enqueue(Self.spec, for: server, by: nil, plan: PlanTable.team)
            try await BuildRunner(app: app).drain()
            let afterBuild = [try await Self.count(client), try await Self.count(client), try await Self.count(client)]

            // then
            #expect(before == [1, 1, 2])
            #expect(afterBuild == [1, 1, 2])
        }
    }

    @Test("a rollback and back starts a fresh realm: the one kept for that version before is never found again", arguments: TestDatabase.all)
    func rollbackAndBack(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given version 2 live, with a realm kept that has counted to 2
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Self.spec)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
            _ = try await BuildQueue(database: app.db, now: app.clock.now).enqueue(Self.spec, for: server, by: nil, plan: PlanTable.team)
            try await BuildRunner(app: app).drain()
            let onTwo = [try await Self.count(client), try await Self.count(client), try await Self.count(client)]

            // when it is rolled back to version 1 and forward to 2 again
            let versions = "/v1/servers/\(id.uuidString.lowercased())/versions/"
            #expect(try await browser.postJSON(versions + "1/activate", [:]).status == .ok)
            #expect(try await Self.count(client) == 1)
            #expect(try await browser.postJSON(versions + "2/activate", [:]).status == .ok)
            let backOnTwo = [try await Self.count(client), try await Self.count(client), try await Self.count(client)]

            // then version 2's calls start over (they counted on from 2 while the old realm was found again)
            #expect(onTwo == [1, 1, 2])
            #expect(backOnTwo == [1, 1, 2])
        }
    }

    @Test("BMM_SANDBOX_WARM_REALMS=0 runs every call in a fresh context", arguments: TestDatabase.all)
    func warmRealmsOff(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_SANDBOX_WARM_REALMS": "0"])) { app in
            // given
            let (client, _) = try await Self.setUp(app)

            // when
            let calls = [try await Self.count(client), try await Self.count(client), try await Self.count(client)]

            // then: with warm realms on, the third would count 2
            #expect(calls == [1, 1, 1])
        }
    }
}
