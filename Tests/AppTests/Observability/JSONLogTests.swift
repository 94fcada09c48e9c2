@testable import App
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// Collects the JSON lines an app writes.
final class CapturedLog: Sendable {
    private let captured = NIOLockedValueBox<[String]>([])

    var lines: [String] { captured.withLockedValue { $0 } }
    var sink: LogSink { LogSink { line in self.captured.withLockedValue { $0.append(line) } } }

    /// Every line as a JSON object; a line that is not one fails the test.
    func objects(sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try lines.map { line in
            #expect(line.hasSuffix("\n") && line.dropLast().contains("\n") == false, "one object per line", sourceLocation: sourceLocation)
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)", sourceLocation: sourceLocation)
        }
    }
}

@Suite("BMM_LOG_FORMAT=json: one JSON object per line, without secrets")
struct JSONLogTests {
    @Test("a tool call ends with one line: route, status, duration, workspace and trace; no token, no argument", arguments: TestDatabase.all)
    func requestLine(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_LOG_FORMAT": "json"])) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let log = CapturedLog()
            app.logSink = log.sink
            let secretArgument = "argument-\(UUID().uuidString)"
            let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
            // when
            let response = try await client.stateless("tools/call", ["name": "greet", "arguments": ["name": secretArgument]], name: "greet")
            _ = try await client.post(["jsonrpc": "2.0", "id": 9, "method": "no/such/method"],
                                      headers: ["traceparent": "00-\(traceID)-00f067aa0ba902b7-01", "MCP-Protocol-Version": "2026-07-28"])
            // then
            #expect(response.status == .ok)
            #expect(response.body.string.contains(secretArgument), "the tool did receive the argument")
            let objects = try log.objects()
            let finished = objects.filter { $0["route"] as? String == "/mcp/:server" }
            #expect(finished.count == 2, "one line per request: \(log.lines)")
            let call = try #require(finished.first)
            #expect(call["level"] as? String == "info")
            #expect(call["status"] as? Int == 200)
            #expect(call["method"] as? String == "POST")
            #expect((call["duration_ms"] as? Double).map { $0 >= 0 } == true)
            #expect((call["request_id"] as? String)?.isEmpty == false)
            #expect((call["workspace_id"] as? String).flatMap(UUID.init(uuidString:)) != nil)
            #expect((call["trace_id"] as? String)?.count == 32)
            #expect(call["trace_id"] as? String != traceID, "without a traceparent the request starts its own trace")
            let time = try #require(call["time"] as? String)
            #expect(time.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "ISO 8601 UTC with milliseconds: \(time)")
            #expect(finished.last?["trace_id"] as? String == traceID, "the caller's trace id is logged")
            // nothing the caller sent in confidence
            for line in log.lines {
                #expect(!line.contains(client.token))
                #expect(!line.contains(secretArgument))
            }
        }
    }

    @Test("lines escape what JSON needs escaped and keep numbers as numbers")
    func encoding() throws {
        let log = CapturedLog()
        let logger = Logger(label: "test") { _ in JSONLogHandler(sink: log.sink, level: .debug) }
        logger.warning("quote \" backslash \\ newline \n tab \t bell \u{7}", metadata: ["count": .stringConvertible(3), "nested": ["a": "b"], "request-id": "r1"])
        let object = try #require(try log.objects().first)
        #expect(object["message"] as? String == "quote \" backslash \\ newline \n tab \t bell \u{7}")
        #expect(object["level"] as? String == "warning")
        #expect(object["count"] as? Int == 3)
        #expect((object["nested"] as? [String: String]) == ["a": "b"])
        #expect(object["request_id"] as? String == "r1")
    }

    @Test("BMM_LOG_FORMAT accepts text or json only")
    func setting() throws {
        #expect(try testConfig().logFormat == .text)
        #expect(try testConfig(environment: ["BMM_LOG_FORMAT": "json"]).logFormat == .json)
        #expect(throws: ConfigError.self) { try testConfig(environment: ["BMM_LOG_FORMAT": "xml"]) }
    }
}
