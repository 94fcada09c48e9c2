@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("MCP tool calls when every sandbox worker is busy")
struct SandboxOverloadTests {
    /// One worker and a short queue deadline: a call waiting behind a spinning call is refused.
    static let environment = ["BMM_SANDBOX_WORKERS": "1", "BMM_SANDBOX_QUEUE_SECONDS": "0.1", "BMM_TOOL_CALLS_PER_MINUTE": "off"]

    /// `status`: 503 in the stateless revision, 200 in the 2025 ones (`MCPReply.errorStatus`).
    static func expectOverloaded(_ response: TestingHTTPResponse, status: HTTPStatus = .serviceUnavailable,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(response.status == status, sourceLocation: sourceLocation)
        let retryAfter = try #require(response.headers.first(name: "Retry-After").flatMap(Int.init), sourceLocation: sourceLocation)
        #expect((1...60).contains(retryAfter), sourceLocation: sourceLocation)
        let body = try AccountDataTests.json(response, sourceLocation: sourceLocation)
        #expect(body["result"] == nil, "an overload is never a tool result", sourceLocation: sourceLocation)
        let error = try MCPEndpointTests.error(response, sourceLocation: sourceLocation)
        #expect(error["code"] as? Int == -31503, sourceLocation: sourceLocation)
        let data = try #require(error["data"] as? [String: Any], sourceLocation: sourceLocation)
        #expect(data["retryable"] as? Bool == true, sourceLocation: sourceLocation)
        #expect(data["retryAfterSeconds"] as? Int == retryAfter, sourceLocation: sourceLocation)
    }

    /// The steps server, on Enterprise: the spinning call's CPU limit (5 s) outlasts the requests
    /// made while it holds the worker by far, and the tests end it sooner by killing its worker.
    static func setUp(_ app: Application) async throws -> (MCPEndpointTests.Client, BrowserSession, UUID) {
        let (browser, _) = try await AccountDataTests.signedIn(app)
        let serverID = try await Hosting.createAndBuild(browser, ProgressAndCancellationTests.spec)
        let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(serverID.uuidString.lowercased())", token: try await Hosting.token(browser))
        let server = try #require(try await HostedServer.find(serverID, on: app.db))
        let organization = try #require(try await Organization.find(server.$organization.id, on: app.db))
        organization.planOverride = PlanID.enterprise.rawValue
        try await organization.save(on: app.db)
        // The build cached the server's context with the default plan's limits; a change written straight to the
        // database reaches it only at its next check, up to a second later, and a spin started before then is
        // stopped at that plan's CPU limit in the middle of the test.
        app.hosting.contexts.invalidate(serverID)
        return (client, browser, serverID)
    }

    @Test("past the queue deadline: Retry-After and a retryable JSON-RPC error in both eras (503 stateless, 200 in a session); a worker killed from outside fails its call clearly and is replaced",
          arguments: TestDatabase.all)
    func overloaded(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: Self.environment)) { app in
            let (endpoint, browser, serverID) = try await Self.setUp(app)
            var client = endpoint
            let page = "/servers/\(serverID.uuidString.lowercased())"
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(page + "?tool=count").body.string))
            let legacy = try await MCPConformanceTests.initialized(client, version: "2025-06-18")
            let pool = app.hosting.sandbox

            // given: the only worker spins
            let spinner = client
            let spinning = Task {
                let response = try await spinner.stateless("tools/call", ["name": "spin", "arguments": [:] as [String: Any]], name: "spin")
                return response
            }
            while await pool.statistics().busy < 1 { try await Task.sleep(for: .milliseconds(10)) }

            // when: calls in both eras wait past the deadline
            let stateless = try await client.stateless("tools/call", ["name": "count", "arguments": [:] as [String: Any]], name: "count")
            let session = try await legacy.post(["jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                                 "params": ["name": "count", "arguments": [:] as [String: Any]]])
            client.session = nil
            let meta: [String: Any] = ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                       "io.modelcontextprotocol/clientCapabilities": [:] as [String: Any], "progressToken": "p"]
            let streamed = try await client.post(["jsonrpc": "2.0", "id": 3, "method": "tools/call",
                                                  "params": ["name": "count", "arguments": [:] as [String: Any], "_meta": meta]],
                                                 headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "count"])

            // then
            try Self.expectOverloaded(stateless)
            try Self.expectOverloaded(session, status: .ok)
            // A progress stream has sent its 200 before the call waits: the same error is its last event.
            let last = try #require(ProgressAndCancellationTests.events(streamed.body.string).last)
            #expect(last["result"] == nil)
            #expect((last["error"] as? [String: Any])?["code"] as? Int == JSONRPC.overloaded)
            // and the server page's playground says so, with the same status
            let playground = try await browser.postForm(page + "/playground", ["csrf": csrf, "tool": "count", "arguments": "{}"])
            #expect(playground.status == .serviceUnavailable)
            #expect(playground.headers.first(name: "Retry-After") != nil)
            #expect(playground.body.string.contains("the call did not run"))
            #expect(await pool.statistics().overloaded == 4)
            // and /metrics shows the refusals and the pool as it is: one worker busy, nothing waiting
            let metrics = try await MetricsEndpointTests.scrape(app)
            #expect((MetricsEndpointTests.value(metrics, #"bmm_tool_calls_total{outcome="overloaded"}"#) ?? 0) >= 3)
            #expect(MetricsEndpointTests.value(metrics, #"bmm_sandbox_workers{state="busy"}"#) == 1)
            #expect(MetricsEndpointTests.value(metrics, "bmm_sandbox_queued_calls") == 0)
            // and each refused call waited out the 0.1 s deadline for a worker
            let refused = (MetricsEndpointTests.value(metrics, #"bmm_sandbox_queue_wait_seconds_count"#) ?? 0)
                - (MetricsEndpointTests.value(metrics, #"bmm_sandbox_queue_wait_seconds_bucket{le="0.05"}"#) ?? 0)
            #expect(refused >= 3)

            // when: the spinning call's worker is killed from outside
            let worker = try #require(await pool.workerProcessIDs().first)
            kill(worker, SIGKILL)
            let killedResponse = try await spinning.value
            let after = try await client.stateless("tools/call", ["name": "count", "arguments": [:] as [String: Any]], name: "count")

            // then: that call fails as a tool error that says what happened; the next one runs on a new worker
            #expect(killedResponse.status == .ok)
            let failed = try MCPEndpointTests.result(killedResponse)
            #expect(failed["isError"] as? Bool == true)
            #expect("\(failed["content"] ?? "")".contains("stopped unexpectedly"))
            #expect(after.status == .ok)
            #expect(try MCPEndpointTests.result(after)["isError"] as? Bool == false)
            #expect(await pool.workerProcessIDs() != [worker])
            #expect(await pool.statistics().workersKilled["worker_crashed"] == 1)
        }
    }

    @Test("2025: notifications/cancelled takes a call waiting for a worker out of the queue", arguments: TestDatabase.all)
    func cancelledWhileQueued(database: TestDatabase) async throws {
        var environment = Self.environment
        environment["BMM_SANDBOX_QUEUE_SECONDS"] = "120"
        try await withConfiguredApp(try testConfig(database: database, environment: environment)) { app in
            let (client, _, _) = try await Self.setUp(app)
            let legacy = try await MCPConformanceTests.initialized(client)
            let pool = app.hosting.sandbox
            // given: the only worker spins and a session's call waits for it
            let spinning = Task { try await client.stateless("tools/call", ["name": "spin", "arguments": [:] as [String: Any]], name: "spin").status }
            while await pool.statistics().busy < 1 { try await Task.sleep(for: .milliseconds(10)) }
            let waiting = Task {
                let response = try await legacy.post(["jsonrpc": "2.0", "id": "queued-5", "method": "tools/call",
                                                      "params": ["name": "count", "arguments": [:] as [String: Any]]])
                return (response.status, response.body.string)
            }
            while await pool.statistics().queued < 1 { try await Task.sleep(for: .milliseconds(10)) }

            // when
            let cancel = try await legacy.post(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": "queued-5"]])
            let (status, body) = try await waiting.value

            // then: it left the queue without running, while the spinning call still holds the worker,
            // and its POST got no response (an event stream that ends with none)
            #expect(cancel.status == .accepted)
            #expect(status == .ok)
            #expect(!body.contains("queued-5"), "\(body)")
            let statistics = await pool.statistics()
            #expect(statistics.queued == 0 && statistics.busy == 1 && statistics.overloaded == 0)
            try await app.hosting.calls.flush(on: app.db)
            #expect(try await ToolCallRecord.query(on: app.db).filter(\.$tool == "count").all().map(\.outcome) == ["cancelled"])
            kill(try #require(await pool.workerProcessIDs().first), SIGKILL)
            _ = try await spinning.value
        }
    }
}
