@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("The offline calculator draft, built and called")
struct OfflineCalculatorTests {
    @Test("'a calculator that adds two numbers' drafts a server with no network access whose tools add and calculate in the sandbox")
    func calculatorDraftRunsInTheSandbox() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            // when: drafted offline and built as drafted
            let preview = try AccountDataTests.json(try await browser.postObject("/v1/servers/preview", ["prompt": "a calculator that adds two numbers"]))
            let spec = try #require(preview["spec"] as? [String: Any])
            #expect(spec["allowedDomains"] as? [String] == [], "no network access for arithmetic")
            #expect((spec["requiredSecrets"] as? [Any])?.isEmpty == true)
            let created = try await browser.postObject("/v1/servers", ["previewId": try #require(preview["previewId"] as? String)])
            #expect(created.status == .created, "\(created.body.string)")
            let id = try #require(try AccountDataTests.json(created)["id"] as? String)
            try await BuildRunner(app: app).drain()
            let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.lowercased())", token: try await Hosting.token(browser))

            // then: its tools answer over MCP
            let sum = try MCPEndpointTests.result(try await client.stateless("tools/call", ["name": "add_numbers", "arguments": ["numbers": [2, 3]]], name: "add_numbers"))
            #expect((sum["structuredContent"] as? [String: Any])?["sum"] as? Int == 5)
            let calculated = try MCPEndpointTests.result(try await client.stateless("tools/call", ["name": "calculate", "arguments": ["expression": "2 * (3 + 4) ^ 2 - 0.5"]],
                                                                                   name: "calculate"))
            #expect((calculated["structuredContent"] as? [String: Any])?["result"] as? Double == 97.5)
            // and a bad expression is the tool's own error, saying where
            let bad = try MCPEndpointTests.result(try await client.stateless("tools/call", ["name": "calculate", "arguments": ["expression": "1 / 0"]], name: "calculate"))
            #expect(bad["isError"] as? Bool == true)
            #expect("\(bad["content"] ?? "")".contains("Division by zero"))
        }
    }
}
