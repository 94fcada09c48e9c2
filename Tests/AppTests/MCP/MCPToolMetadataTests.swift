@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("MCP tool metadata and rich results: title, annotations, outputSchema, icons, ctx.content")
struct MCPToolMetadataTests {
    static let weather = ServerSpec(
        name: "Weather", slug: "weather", description: "Forecasts.",
        tools: [
            ToolSpec(name: "forecast", title: "Get forecast", description: "A forecast.", inputSchema: ["type": "object"],
                     outputSchema: ["type": "object", "properties": ["temp": ["type": "number"]], "required": ["temp"]],
                     annotations: ToolAnnotations(readOnlyHint: true, idempotentHint: true),
                     icons: [ToolIcon(src: "https://example.com/sun.png", mimeType: "image/png", sizes: ["48x48"])],
                     implementation: "return args.broken ? { temp: 'warm' } : { temp: 21.5 };"),
            ToolSpec(name: "chart", description: "A chart.", inputSchema: ["type": "object"],
                     annotations: ToolAnnotations(destructiveHint: false, openWorldHint: false),
                     implementation: """
                        if (args.bad) return ctx.content.image("not base64!!", "image/png");
                        return ["Your chart:", ctx.content.image("iVBORw0KGgo=", "image/png"), ctx.content.resourceLink("https://example.com/c.csv", "Data")];
                        """),
            ToolSpec(name: "numbers", description: "A list.", inputSchema: ["type": "object"], implementation: "return [1, 2, 3];"),
        ],
        allowedDomains: ["api.example.com"]
    )

    static func tools(_ result: [String: Any]) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: ((result["tools"] as? [[String: Any]]) ?? []).map { ($0["name"] as? String ?? "", $0) })
    }

    @Test("tools/list carries title, annotations (openWorldHint derived), outputSchema and icons in both eras", arguments: TestDatabase.all)
    func listedInBothEras(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Self.weather)
            var client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
            // when
            let stateless = Self.tools(try MCPEndpointTests.result(try await client.stateless("tools/list")))
            let initialize = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                   "params": ["protocolVersion": "2025-11-25", "capabilities": [:] as [String: Any],
                                                              "clientInfo": ["name": "test", "version": "1"]]])
            client.session = initialize.headers.first(name: "MCP-Session-Id")
            let legacy = Self.tools(try MCPEndpointTests.result(try await client.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"])))
            // then
            for listed in [stateless, legacy] {
                let forecast = try #require(listed["forecast"])
                #expect(forecast["title"] as? String == "Get forecast")
                let annotations = try #require(forecast["annotations"] as? [String: Any])
                #expect(annotations["readOnlyHint"] as? Bool == true)
                #expect(annotations["idempotentHint"] as? Bool == true)
                #expect(annotations["openWorldHint"] as? Bool == true, "derived from the allowed domains")
                #expect(annotations["destructiveHint"] == nil)
                #expect((forecast["outputSchema"] as? [String: Any])?["required"] as? [String] == ["temp"])
                #expect((forecast["icons"] as? [[String: Any]])?.first?["src"] as? String == "https://example.com/sun.png")
                let chart = try #require(listed["chart"])
                #expect(chart["title"] == nil && chart["outputSchema"] == nil && chart["icons"] == nil)
                #expect((chart["annotations"] as? [String: Any])?["openWorldHint"] as? Bool == false, "an explicit hint wins")
            }
        }
    }

    @Test("results: outputSchema mismatch is isError with the path; content items; any JSON value structured only under 2026", arguments: TestDatabase.all)
    func results(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Self.weather)
            var client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
            func call(_ name: String, _ arguments: [String: Any] = [:]) async throws -> [String: Any] {
                try MCPEndpointTests.result(try await client.stateless("tools/call", ["name": name, "arguments": arguments], name: name))
            }
            func text(_ result: [String: Any]) -> String? { (result["content"] as? [[String: Any]])?.first?["text"] as? String }
            // when
            let good = try await call("forecast")
            let broken = try await call("forecast", ["broken": true])
            let chart = try await call("chart")
            let badChart = try await call("chart", ["bad": true])
            let numbers = try await call("numbers")
            let initialize = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                   "params": ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any],
                                                              "clientInfo": ["name": "test", "version": "1"]]])
            client.session = initialize.headers.first(name: "MCP-Session-Id")
            let legacyNumbers = try MCPEndpointTests.result(try await client.post(["jsonrpc": "2.0", "id": 2, "method": "tools/call",
                                                                                  "params": ["name": "numbers"]]))
            // then
            #expect((good["structuredContent"] as? [String: Any])?["temp"] as? Double == 21.5)
            #expect(broken["isError"] as? Bool == true)
            #expect(text(broken) == "The result does not match the tool's outputSchema: at temp: must be a number, got string")
            #expect(broken["structuredContent"] == nil)

            let items = try #require(chart["content"] as? [[String: Any]])
            #expect(items.map { $0["type"] as? String } == ["text", "image", "resource_link"])
            #expect(items[1]["data"] as? String == "iVBORw0KGgo=" && items[1]["mimeType"] as? String == "image/png")
            #expect(items[2]["uri"] as? String == "https://example.com/c.csv" && items[2]["name"] as? String == "Data")
            #expect(chart["isError"] as? Bool == false)
            #expect(badChart["isError"] as? Bool == true)
            #expect(text(badChart)?.contains("the data is not base64") == true)

            #expect(numbers["structuredContent"] as? [Int] == [1, 2, 3])
            #expect(text(numbers) == "[1,2,3]")
            #expect(legacyNumbers["structuredContent"] == nil, "2025 revisions define structuredContent as an object")
            #expect(text(legacyNumbers) == "[1,2,3]")

            try await app.hosting.calls.flush(on: app.db)
            let outcomes = try await ToolCallRecord.query(on: app.db).filter(\.$server.$id == id).all().map(\.outcome)
            #expect(outcomes.count == 6, "each call is recorded once")
            #expect(outcomes.filter { $0 == "invalid_result" }.count == 2)
        }
    }

    @Test("a bad outputSchema or icon is refused with the field and the reason; /v1 keeps the metadata", arguments: TestDatabase.all)
    func refusedAndRoundTripped(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var badSchema = Self.weather
            badSchema.tools[0].outputSchema = ["type": "array"]
            var badIcon = Self.weather
            badIcon.tools[0].icons = [ToolIcon(src: "javascript:alert(1)")]
            // when
            let schemaRefused = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(badSchema)])
            let iconRefused = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(badIcon)])
            _ = try await Hosting.createAndBuild(browser, Self.weather)
            // then
            #expect(schemaRefused.status == .unprocessableEntity)
            #expect(try AccountDataTests.json(schemaRefused)["error"] as? String == "spec_invalid")
            #expect((try AccountDataTests.json(schemaRefused)["message"] as? String)?.contains("tools[0].outputSchema.type: must be \"object\"") == true)
            #expect((try AccountDataTests.json(iconRefused)["message"] as? String)?.contains("tools[0].icons[0].src") == true)
            #expect(try await HostedServer.query(on: app.db).count() == 1, "nothing is stored for a refused spec")
            let version = try #require(try await ServerVersion.query(on: app.db).first())
            let stored = try SpecJSON.decode(version.specJSON)
            #expect(stored == Self.weather)
        }
    }
}
