@testable import App
import Foundation
import NIOCore
import Sandbox
import Testing
import Vapor
import VaporTesting

@Suite("/metrics: Prometheus text for loopback or a token, never public")
struct MetricsEndpointTests {
    static let token = "metrics-token-" + String(repeating: "x", count: 24)
    static let loopback = try! SocketAddress(ipAddress: "127.0.0.1", port: 40000)
    static let public_ = try! SocketAddress(ipAddress: "203.0.113.9", port: 40000)

    static func scrape(_ app: Application) async throws -> String {
        let response = try await BrowserSession(app).send(.GET, "/metrics", from: loopback)
        #expect(response.status == .ok)
        #expect(response.headers.contentType?.description.hasPrefix("text/plain") == true)
        return response.body.string ?? ""
    }

    /// The value of the series `name{labels}` (labels as the exposition prints them), or nil.
    static func value(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test("who may read it: loopback peers without proxy headers, or the bearer token; everyone else gets 404")
    func access() async throws {
        let config = try testConfig(environment: ["BMM_METRICS_TOKEN": Self.token, "BMM_TRUSTED_PROXIES": "127.0.0.1/32"])
        try await withConfiguredApp(config) { app in
            let browser = BrowserSession(app)
            func status(from peer: SocketAddress?, _ headers: HTTPHeaders = [:]) async throws -> HTTPStatus {
                guard let peer else { return try await browser.get("/metrics", headers: headers).status }
                return try await browser.send(.GET, "/metrics", from: peer, headers: headers).status
            }
            // given a scraper on this machine
            #expect(try await status(from: Self.loopback) == .ok)
            #expect(try await status(from: try SocketAddress(ipAddress: "::1", port: 40000)) == .ok)
            // a public client, directly or through the trusted proxy on this machine
            #expect(try await status(from: Self.public_) == .notFound)
            #expect(try await status(from: nil) == .notFound)
            #expect(try await status(from: Self.loopback, ["X-Forwarded-For": "203.0.113.9"]) == .notFound)
            #expect(try await status(from: Self.loopback, ["Forwarded": "for=203.0.113.9;proto=https"]) == .notFound)
            #expect(try await status(from: Self.loopback, ["X-Real-IP": "203.0.113.9"]) == .notFound)
            // the proxy forwarding a local client is still local
            #expect(try await status(from: Self.loopback, ["X-Forwarded-For": "127.0.0.1"]) == .ok)
            // a scraper addresses the instance by address; a rebinding page in a local browser uses a name
            #expect(try await status(from: Self.loopback, ["Host": "127.0.0.1:8080"]) == .ok)
            #expect(try await status(from: Self.loopback, ["Host": "[::1]:8080"]) == .ok)
            #expect(try await status(from: Self.loopback, ["Host": "localhost:8080"]) == .ok)
            #expect(try await status(from: Self.loopback, ["Host": "rebound.example:8080"]) == .notFound)
            // the token works from anywhere; a wrong one does not, even from loopback
            #expect(try await status(from: Self.public_, ["Authorization": "Bearer \(Self.token)"]) == .ok)
            #expect(try await status(from: nil, ["Authorization": "Bearer \(Self.token)"]) == .ok)
            #expect(try await status(from: Self.public_, ["Authorization": "Bearer \(Self.token)x"]) == .notFound)
            #expect(try await status(from: Self.loopback, ["Authorization": "Bearer wrong"]) == .notFound)
            // and the refusal looks like any unknown path
            let refused = try await browser.send(.GET, "/metrics", from: Self.public_, headers: ["Accept": "application/json"])
            let unknown = try await browser.send(.GET, "/no-such-page", from: Self.public_, headers: ["Accept": "application/json"])
            #expect(refused.status == unknown.status)
            #expect(try AccountDataTests.json(refused) as NSDictionary == (try AccountDataTests.json(unknown) as NSDictionary))
        }
    }

    @Test("an untrusted proxy on this machine: its forwarding headers alone make the request non-local")
    func untrustedLocalProxy() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let browser = BrowserSession(app)
            let forwarded = try await browser.send(.GET, "/metrics", from: Self.loopback, headers: ["X-Forwarded-For": "198.51.100.1"])
            let direct = try await browser.send(.GET, "/metrics", from: Self.loopback)
            #expect(forwarded.status == .notFound)
            #expect(direct.status == .ok)
        }
    }

    @Test("a short BMM_METRICS_TOKEN is refused at start-up")
    func shortToken() {
        #expect(throws: ConfigError.self) { try testConfig(environment: ["BMM_METRICS_TOKEN": "short"]) }
    }

    @Test("requests by route pattern and status, tool calls by outcome, builds, drafts and the sampled gauges", arguments: TestDatabase.all)
    func series(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_SANDBOX_WORKERS": "3"])) { app in
            // given a built server, two successful calls and one that throws
            let (client, id) = try await MCPEndpointTests.setUp(app)
            for arguments in [["a": 1, "b": 2], ["a": 3, "b": 4]] {
                let response = try await client.stateless("tools/call", ["name": "add", "arguments": arguments], name: "add")
                #expect(response.status == .ok)
            }
            _ = try await client.stateless("tools/call", ["name": "explode", "arguments": [:] as [String: Any]], name: "explode")
            _ = try await get(app, "/servers/\(UUID().uuidString)")
            _ = try await get(app, "/no-such-page-\(UUID().uuidString)")
            _ = try await app.testing().sendRequest(.RAW(value: "BREW"), "/no-such-pot")
            // when
            let text = try await Self.scrape(app)
            // then requests are counted by pattern, never by URL
            let mcp = #"bmm_http_requests_total{method="POST",route="/mcp/:server",status="200"}"#
            #expect(Self.value(text, mcp) == 3)
            #expect(!text.contains(id.uuidString.lowercased()), "no id appears in a label")
            #expect(Self.value(text, #"bmm_http_requests_total{method="GET",route="unmatched",status="404"}"#) == 1)
            #expect(text.contains(#"route="/servers/:server""#))
            #expect(Self.value(text, #"bmm_http_requests_total{method="other",route="unmatched",status="404"}"#) == 1)
            #expect(!text.contains("BREW"), "methods outside the known set share one label")
            #expect(Self.value(text, #"bmm_http_request_duration_seconds_count{method="POST",route="/mcp/:server",status="200"}"#) == 3)
            #expect(text.contains("# HELP bmm_http_requests_total "))
            #expect(text.contains("# TYPE bmm_http_request_duration_seconds histogram"))
            // tool calls by outcome, with durations
            #expect(Self.value(text, #"bmm_tool_calls_total{outcome="ok"}"#) == 2)
            #expect(Self.value(text, #"bmm_tool_calls_total{outcome="tool_error"}"#) == 1)
            #expect(Self.value(text, #"bmm_tool_call_duration_seconds_count{outcome="ok"}"#) == 2)
            // each call's wait for a worker, and both histograms with buckets under a millisecond
            #expect(Self.value(text, "bmm_sandbox_queue_wait_seconds_count") == 3)
            #expect(Self.value(text, #"bmm_sandbox_queue_wait_seconds_bucket{le="+Inf"}"#) == 3)
            #expect(Self.value(text, #"bmm_sandbox_queue_wait_seconds_bucket{le="0.0005"}"#) != nil)
            #expect(Self.value(text, #"bmm_tool_call_duration_seconds_bucket{outcome="ok",le="0.001"}"#) != nil)
            // the build, the queue (now empty) and the pool
            #expect(Self.value(text, #"bmm_build_duration_seconds_count{outcome="succeeded"}"#) == 1)
            #expect(Self.value(text, "bmm_builds_queued") == 0)
            #expect(Self.value(text, #"bmm_sandbox_workers{state="configured"}"#) == 3)
            // the calls have ended: no worker is busy, none waits, and the started ones are idle
            #expect(Self.value(text, #"bmm_sandbox_workers{state="busy"}"#) == 0)
            let idle = try #require(Self.value(text, #"bmm_sandbox_workers{state="idle"}"#))
            #expect((1...3).contains(idle))
            #expect(Self.value(text, "bmm_sandbox_queued_calls") == 0)
            let wait = try #require(Self.value(text, "bmm_database_connection_wait_seconds"))
            #expect(wait >= 0)
            // the scrape itself is counted by the next one
            let again = try await Self.scrape(app)
            #expect(Self.value(again, #"bmm_http_requests_total{method="GET",route="/metrics",status="200"}"#) == 1)
        }
    }

    @Test("drafts by provider and outcome, cached answers included", arguments: TestDatabase.all)
    func drafts(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let prompt = ["prompt": "Let Claude look up the weather forecast for a city."]
            #expect(try await browser.postObject("/v1/servers/preview", prompt).status == .created)
            #expect(try await browser.postObject("/v1/servers/preview", prompt).status == .ok)
            let text = try await Self.scrape(app)
            #expect(Self.value(text, #"bmm_drafts_total{provider="offline",outcome="ok"}"#) == 1)
            #expect(Self.value(text, #"bmm_drafts_total{provider="offline",outcome="cached"}"#) == 1)
            #expect(Self.value(text, #"bmm_draft_duration_seconds_count{provider="offline",outcome="ok"}"#) == 1)
        }
    }

    @Test("worker kills are counted by reason for the failures that end a worker")
    func workerKills() {
        let metrics = AppMetrics()
        metrics.toolCalled(outcome: "failed", failure: .memoryLimit, milliseconds: 12)
        metrics.toolCalled(outcome: "failed", failure: .wallClockLimit, milliseconds: 30_000)
        metrics.toolCalled(outcome: "failed", failure: .wallClockLimit, milliseconds: 30_000)
        metrics.toolCalled(outcome: "tool_error", failure: .thrown("boom"), milliseconds: 1)
        metrics.toolCalled(outcome: "overloaded", failure: .overloaded(retryAfterSeconds: 2), milliseconds: 1)
        let text = metrics.registry.emitToString()
        #expect(Self.value(text, #"bmm_sandbox_worker_kills_total{reason="memory_limit"}"#) == 1)
        #expect(Self.value(text, #"bmm_sandbox_worker_kills_total{reason="wall_clock_limit"}"#) == 2)
        #expect(!text.contains(#"reason="tool_error""#))
        #expect(!text.contains(#"reason="sandbox_overloaded""#))
        #expect(Self.value(text, #"bmm_tool_calls_total{outcome="failed"}"#) == 3)
    }
}
