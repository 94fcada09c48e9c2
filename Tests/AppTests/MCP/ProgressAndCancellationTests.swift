@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("MCP progress notifications and cancellation")
struct ProgressAndCancellationTests {
    static let spec = ServerSpec(
        name: "Steps", slug: "steps", description: "Reports progress.",
        tools: [
            Hosting.tool("count", """
                for (let i = 1; i <= 3; i++) { ctx.progress(i, 3, "step " + i); await Promise.resolve(); }
                ctx.progress(2, 3, "going backwards is dropped");
                return { done: 3 };
                """),
            // Busy for up to the CPU limit (a second on Hobby), after saying it started.
            Hosting.tool("spin", """
                ctx.progress(1, 2, "started");
                const end = Date.now() + 60000;
                while (Date.now() < end) {}
                return "never";
                """),
            // Busy for a little longer than `MCPCallGrace.grace`, then done.
            Hosting.tool("nap", """
                const end = Date.now() + 800;
                while (Date.now() < end) {}
                return { napped: true };
                """),
        ]
    )

    static func setUp(_ app: Application) async throws -> MCPEndpointTests.Client {
        let (browser, _) = try await AccountDataTests.signedIn(app)
        let id = try await Hosting.createAndBuild(browser, spec)
        return MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
    }

    /// The `data:` payloads of an event stream, in order.
    static func events(_ body: String) -> [[String: Any]] {
        body.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any]
        }
    }

    @Test("with a progress token and an event-stream Accept, each ctx.progress arrives before the result (both eras)", arguments: TestDatabase.all)
    func progress(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let client = try await Self.setUp(app)
            let meta: [String: Any] = ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                       "io.modelcontextprotocol/clientCapabilities": [:] as [String: Any], "progressToken": "tok-1"]
            let stateless = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "tools/call",
                                                   "params": ["name": "count", "arguments": [:] as [String: Any], "_meta": meta]],
                                                  headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "count"])
            var session = client
            let initialized = try await client.post(["jsonrpc": "2.0", "id": 0, "method": "initialize",
                                                     "params": ["protocolVersion": "2025-11-25", "capabilities": [:] as [String: Any],
                                                                "clientInfo": ["name": "t", "version": "1"]]])
            session.session = initialized.headers.first(name: "MCP-Session-Id")
            let legacy = try await session.post(["jsonrpc": "2.0", "id": 7, "method": "tools/call",
                                                 "params": ["name": "count", "arguments": [:] as [String: Any], "_meta": ["progressToken": 42]]])
            for (response, token) in [(stateless, "tok-1" as Any), (legacy, 42 as Any)] {
                #expect(response.headers.contentType?.subType == "event-stream")
                let events = Self.events(response.body.string)
                let progress = events.filter { $0["method"] as? String == "notifications/progress" }.compactMap { $0["params"] as? [String: Any] }
                #expect(progress.map { $0["progress"] as? Double } == [1, 2, 3], "growing reports only")
                #expect(progress.allSatisfy { "\($0["progressToken"]!)" == "\(token)" && $0["total"] as? Double == 3 })
                #expect(progress.first?["message"] as? String == "step 1")
                let result = try #require(events.last?["result"] as? [String: Any], "the result comes last")
                #expect(result["structuredContent"] as? [String: Int] == ["done": 3])
            }
            // without a token the answer stays plain JSON
            let plain = try await client.stateless("tools/call", ["name": "count", "arguments": [:] as [String: Any]], name: "count")
            #expect(plain.headers.contentType == .json)
        }
    }

    @Test("2026-07-28 without a progress token: a quick call is answered as JSON; a call of a tool seen to be slow that is still running after the grace, as an event stream whose last message is its result; a JSON-only client always gets JSON",
          arguments: TestDatabase.all)
    func longCallsStream(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let client = try await Self.setUp(app)
            // when: a quick tool, and a slow one twice (the first call shows this instance it is slow)
            let quick = try await client.stateless("tools/call", ["name": "count", "arguments": [:] as [String: Any]], name: "count")
            let first = try await client.stateless("tools/call", ["name": "nap", "arguments": [:] as [String: Any]], name: "nap")
            let long = try await client.stateless("tools/call", ["name": "nap", "arguments": [:] as [String: Any]], name: "nap")
            let jsonOnly = try await client.post(
                ["jsonrpc": "2.0", "id": 1, "method": "tools/call",
                 "params": ["name": "nap", "_meta": ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                                     "io.modelcontextprotocol/clientCapabilities": [:] as [String: Any]]]],
                headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "nap", "Accept": "application/json"])
            // then
            #expect(quick.headers.contentType == .json)
            #expect(first.headers.contentType == .json, "a tool not yet seen to be slow is awaited inline")
            #expect(long.status == .ok)
            #expect(long.headers.contentType?.subType == "event-stream")
            let events = Self.events(long.body.string)
            #expect(events.count == 1, "only the reply: \(long.body.string.prefix(300))")
            #expect((events.last?["result"] as? [String: Any])?["structuredContent"] as? [String: Bool] == ["napped": true])
            #expect(events.last?["id"] as? Int == 1)
            #expect(jsonOnly.headers.contentType == .json)
            #expect(try MCPEndpointTests.result(jsonOnly)["structuredContent"] as? [String: Bool] == ["napped": true])
        }
    }

    @Test("2025: notifications/cancelled stops the running call at once, recorded as cancelled; no response is sent for it unless the client reads only JSON",
          arguments: TestDatabase.all)
    func cancelled(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            var client = try await Self.setUp(app)
            let initialized = try await client.post(["jsonrpc": "2.0", "id": 0, "method": "initialize",
                                                     "params": ["protocolVersion": "2025-11-25", "capabilities": [:] as [String: Any],
                                                                "clientInfo": ["name": "t", "version": "1"]]])
            client.session = initialized.headers.first(name: "MCP-Session-Id")
            let caller = client
            /// Starts `spin` as request `id`, cancels it once it runs, and returns the POST's answer.
            func cancelWhileRunning(_ id: String, meta: [String: Any] = [:], accept: String = "application/json, text/event-stream") async throws -> TestingHTTPResponse {
                var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": accept, "Authorization": "Bearer \(caller.token)"]
                headers.add(name: "MCP-Session-Id", value: caller.session ?? "")
                let request: [String: Any] = ["jsonrpc": "2.0", "id": id, "method": "tools/call", "params": ["name": "spin", "_meta": meta]]
                let body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: request))
                let call = Task { [headers] in try await app.testing().sendRequest(.POST, caller.path, headers: headers, body: body) }
                // once it runs, the client gives up on it (waiting for that, not for a fixed
                // time: on a loaded machine the call may start late)
                let registered = ContinuousClock.now
                while app.hosting.inFlight.count == 0 && ContinuousClock.now - registered < .seconds(30) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(app.hosting.inFlight.count == 1)
                let cancel = try await caller.post(["jsonrpc": "2.0", "method": "notifications/cancelled",
                                                    "params": ["requestId": id, "reason": "the person pressed stop"]])
                #expect(cancel.status == .accepted)
                return try await call.value
            }

            // A client that reads event streams: the answer is a stream that ends with no response.
            let plain = try await cancelWhileRunning("call-9")
            #expect(plain.status == .ok)
            #expect(plain.headers.contentType?.subType == "event-stream")
            #expect(Self.events(plain.body.string).isEmpty, "no response for the cancelled request: \(plain.body.string)")
            // With a progress token: the progress it made (if it got that far), then the end of the stream, no result.
            let streamed = try await cancelWhileRunning("call-10", meta: ["progressToken": "p-10"])
            #expect(streamed.headers.contentType?.subType == "event-stream")
            #expect(Self.events(streamed.body.string).allSatisfy { $0["method"] as? String == "notifications/progress" && $0["id"] == nil },
                    "no response: \(streamed.body.string)")
            // A client that reads only JSON still needs a body: the call's result says it was cancelled.
            let json = try await cancelWhileRunning("call-11", accept: "application/json")
            #expect(json.headers.contentType == .json)
            let result = try MCPEndpointTests.result(json)
            #expect(result["isError"] as? Bool == true)
            #expect(json.body.string.contains("The call was cancelled."))

            // Had they run on, the CPU limit would have ended them as `failed`; the recorded
            // outcome is the proof, wall time on a loaded test machine is not.
            try await app.hosting.calls.flush(on: app.db)
            let recorded = try await ToolCallRecord.query(on: app.db).filter(\.$tool == "spin").all().map(\.outcome)
            #expect(recorded == ["cancelled", "cancelled", "cancelled"])
        }
    }

    @Test("2025: a request id still running in the session is refused (-32600) for the second call, which leaves the first cancellable",
          arguments: TestDatabase.all)
    func reusedRequestID(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            var client = try await Self.setUp(app)
            client = try await MCPConformanceTests.initialized(client)
            let caller = client
            // given a call running as request 200
            let first = Task { try await caller.post(["jsonrpc": "2.0", "id": 200, "method": "tools/call", "params": ["name": "spin"]]) }
            let registered = ContinuousClock.now
            while app.hosting.inFlight.count == 0 && ContinuousClock.now - registered < .seconds(30) { try await Task.sleep(for: .milliseconds(20)) }
            // when a second request reuses its id
            let second = try await caller.post(["jsonrpc": "2.0", "id": 200, "method": "tools/call", "params": ["name": "count"]])
            // then it is refused and the first still answers to its cancellation
            #expect(try MCPEndpointTests.error(second)["code"] as? Int == -32600)
            #expect(app.hosting.inFlight.count == 1)
            _ = try await caller.post(["jsonrpc": "2.0", "method": "notifications/cancelled", "params": ["requestId": 200]])
            #expect(try await first.value.status == .ok)
            try await app.hosting.calls.flush(on: app.db)
            #expect(try await ToolCallRecord.query(on: app.db).filter(\.$tool == "spin").all().map(\.outcome) == ["cancelled"])
        }
    }
}
