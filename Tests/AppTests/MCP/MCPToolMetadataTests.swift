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
