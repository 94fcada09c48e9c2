@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("MCP tool calls: limited per token and per server, across instances (through the database)")
struct ToolCallLimitTests {
    typealias Client = MCPEndpointTests.Client

    /// A clock running from 5 s into a minute: windows start on the full minute, and a test
    /// that straddled one would see its counts start over.
    static func clockInsideOneMinute() -> AppClock {
        let started = Date()
        let base = (started.timeIntervalSince1970 / 60).rounded(.down) * 60 + 65
        return AppClock { Date(timeIntervalSince1970: base + Date().timeIntervalSince(started)) }
    }

    static func call(_ client: Client) async throws -> TestingHTTPResponse {
        try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 2]], name: "add")
    }

    static func statuses(_ client: Client, calls: Int) async throws -> [HTTPStatus] {
        try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for _ in 0..<calls { group.addTask { try await call(client).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test("concurrent calls against a limit of 5: exactly 5 succeed; the rest get 429, Retry-After and a JSON-RPC error",
          arguments: TestDatabase.all)
    func exactlyN(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_TOOL_CALLS_PER_MINUTE": "5"])) { app in
            app.clock = Self.clockInsideOneMinute()
            let (client, _) = try await MCPEndpointTests.setUp(app)
            // when
            let statuses = try await Self.statuses(client, calls: 20)
            // then
            #expect(statuses.filter { $0 == .ok }.count == 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 15)
            let refused = try await Self.call(client)
            #expect(refused.status == .tooManyRequests)
            let retryAfter = try #require(refused.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect((1...60).contains(retryAfter))
            let error = try MCPEndpointTests.error(refused)
            #expect(error["code"] as? Int == -31429)
            #expect((error["data"] as? [String: Any])?["limit"] as? String == "token")
            #expect((error["data"] as? [String: Any])?["retryAfterSeconds"] as? Int == retryAfter)
            // listing tools is not a tool call
            #expect(try await client.stateless("tools/list").status == .ok)
            // a 2025 session is limited the same way, with the error under 200: its clients end the session on a 429
            let legacy = try await MCPConformanceTests.initialized(client)
            let legacyCall = try await legacy.post(["jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": ["name": "add", "arguments": ["a": 1, "b": 1]]])
            #expect(legacyCall.status == .ok)
            #expect(legacyCall.headers.first(name: "Retry-After") != nil)
            #expect(try MCPEndpointTests.error(legacyCall)["code"] as? Int == -31429)
        }
    }

    @Test("the token limit and the server limit are separate", arguments: TestDatabase.all)
    func separate(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_TOOL_CALLS_PER_MINUTE": "3"])) { app in
            app.clock = Self.clockInsideOneMinute()
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var other = Hosting.calculator
            other.slug = "calculator-two"
            let first = try await Hosting.createAndBuild(browser)
            let second = try await Hosting.createAndBuild(browser, other)
            let (tokenA, tokenB) = (try await Hosting.token(browser), try await Hosting.token(browser))
            func client(_ server: UUID, _ token: String) -> Client {
                Client(app: app, path: "/mcp/\(server.uuidString.lowercased())", token: token)
            }
            func limit(_ response: TestingHTTPResponse) throws -> String? {
                (try MCPEndpointTests.error(response)["data"] as? [String: Any])?["limit"] as? String
            }
            // given: token A used up its 3 calls, all on the first server
            for _ in 0..<3 { #expect(try await Self.call(client(first, tokenA)).status == .ok) }
            // then: A is refused on the other server too (its own limit)…
            let aElsewhere = try await Self.call(client(second, tokenA))
            #expect(aElsewhere.status == .tooManyRequests)
            #expect(try limit(aElsewhere) == "token")
            // …B is refused on the first server (that server's limit)…
            let bHere = try await Self.call(client(first, tokenB))
            #expect(bHere.status == .tooManyRequests)
            #expect(try limit(bHere) == "server")
            // …and B on the second server is within both of its limits.
            #expect(try await Self.call(client(second, tokenB)).status == .ok)
        }
    }

    @Test("the plan's figure applies by default (Hobby: 60 a minute); off disables the limit", arguments: TestDatabase.all)
    func planAndOff(database: TestDatabase) async throws {
        for (setting, expectedOK) in [(nil, 60), ("off", 65)] as [(String?, Int)] {
            var environment: [String: String] = [:]
            environment["BMM_TOOL_CALLS_PER_MINUTE"] = setting
            try await withConfiguredApp(try testConfig(database: database, environment: environment)) { app in
                app.clock = Self.clockInsideOneMinute()
                let (client, _) = try await MCPEndpointTests.setUp(app)
                var statuses: [HTTPStatus] = []
                for _ in 0..<5 { statuses += try await Self.statuses(client, calls: 13) }
                #expect(statuses.filter { $0 == .ok }.count == expectedOK, "BMM_TOOL_CALLS_PER_MINUTE=\(setting ?? "unset")")
                #expect(statuses.filter { $0 == .tooManyRequests }.count == 65 - expectedOK)
            }
        }
    }

    @Test("two instances on one database: each starts from the other's count and learns its later calls",
          arguments: TestDatabase.all)
    func acrossInstances(database: TestDatabase) async throws {
        let config = try testConfig(database: database, environment: ["BMM_TOOL_CALLS_PER_MINUTE": "4"])
        try await withConfiguredApp(config) { first in
            // Started here, not before: opening the app may wait its turn for PostgreSQL,
            // and the minute must not end during the test.
            let clock = Self.clockInsideOneMinute()
            first.clock = clock
            let (client, _) = try await MCPEndpointTests.setUp(first)
            try await withConfiguredApp(config) { second in
                second.clock = clock
                let other = Client(app: second, path: client.path, token: client.token)
                // given: three calls through the first instance
                for _ in 0..<3 { #expect(try await Self.call(client).status == .ok) }
                // The exchange runs every 250 ms; the wait is generous because the whole suite
                // shares two cores, and the clock stays inside its minute either way.
                try await Task.sleep(for: .seconds(4))
                // then: the second instance admits the fourth and refuses the fifth…
                #expect(try await Self.call(other).status == .ok)
                #expect(try await Self.call(other).status == .tooManyRequests)
                try await Task.sleep(for: .seconds(4))
                // …and the first has heard of the fourth
                #expect(try await Self.call(client).status == .tooManyRequests)
            }
        }
    }
}
