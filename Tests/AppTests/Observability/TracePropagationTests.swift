@testable import App
import Core
import Egress
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@Suite("traceparent: accepted, logged and passed on to tool fetches")
struct TracePropagationTests {
    /// Points `name` at 127.0.0.1 for the app's egress guard, as a DNS server under the test's control would.
    static func resolve(_ name: String, toLoopbackIn app: Application) {
        resolve([name], toLoopbackIn: app)
    }

    /// Points each of `names` at 127.0.0.1: several names make one local server several origins.
    static func resolve(_ names: Set<String>, toLoopbackIn app: Application) {
        struct Fixed: HostResolver {
            let names: Set<String>
            func resolve(host: String, port: Int) async throws -> [IPAddress] {
                guard names.contains(host) else { throw Abort(.notFound) }
                return [IPAddress("127.0.0.1")!]
            }
        }
        let hosting = app.hosting
        app.hosting = HostingEnvironment(
            sandbox: hosting.sandbox, egress: EgressClient(resolver: Fixed(names: names), eventLoopGroup: app.eventLoopGroup),
            extraAllowedCIDRs: hosting.extraAllowedCIDRs, limits: hosting.limits, buildSignal: hosting.buildSignal, calls: hosting.calls,
            contexts: hosting.contexts, toolLists: hosting.toolLists, toolCalls: hosting.toolCalls)
    }

    @Test("a tool's fetch carries the caller's trace id with a span id of its own, replacing the tool's", arguments: TestDatabase.all)
    func fetchCarriesTrace(database: TestDatabase) async throws {
        let seen = NIOLockedValueBox<[String]>([])
        // a target that records the `traceparent` of each request
        try await LoopbackTarget.with(routes: { target in
            target.get("echo") { req -> String in
                let header = req.headers.first(name: "traceparent") ?? "none"
                seen.withLockedValue { $0.append(header) }
                return header
            }
        }) { port in
            let config = try testConfig(database: database, environment: ["BMM_EGRESS_ALLOW_CIDRS": "127.0.0.1/32", "BMM_LOG_FORMAT": "json"])
            try await withConfiguredApp(config) { app in
                // given a server whose tool fetches the local target, setting a traceparent of its own
                let (browser, _) = try await AccountDataTests.signedIn(app)
                var spec = Hosting.calculator
                spec.allowedDomains = ["trace-target.example"]
                spec.tools = [Hosting.tool("echo", """
                    const res = await ctx.fetch('http://trace-target.example:\(port)/echo', { headers: { traceparent: '00-11111111111111111111111111111111-2222222222222222-00' } });
                    return await res.text();
                    """)]
                let id = try await Hosting.createAndBuild(browser, spec)
                Self.resolve("trace-target.example", toLoopbackIn: app)
                let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
                let log = CapturedLog()
                app.logSink = log.sink
                let traceID = "0af7651916cd43dd8448eb211c80319c"
                // when
                let meta: [String: Any] = ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                           "io.modelcontextprotocol/clientCapabilities": [:] as [String: Any]]
                let response = try await client.post(
                    ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": "echo", "arguments": [:] as [String: Any], "_meta": meta]],
                    headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "echo",
                              "traceparent": "00-\(traceID)-b7ad6b7169203331-01"])
                // then the target saw the caller's trace, sampled, under a new span
                #expect(response.status == .ok)
                let received = try #require(seen.withLockedValue { $0 }.first)
                let trace = try #require(TraceContext(traceparent: received), "not a traceparent: \(received)")
                #expect(trace.traceID == traceID)
                #expect(trace.parentID != "b7ad6b7169203331")
                #expect(trace.flags == "01")
                #expect(response.body.string.contains(traceID))
                // and the request's log line names the same trace
                let line = try #require(try log.objects().first { $0["route"] as? String == "/mcp/:server" })
                #expect(line["trace_id"] as? String == traceID)
            }
        }
    }
}
