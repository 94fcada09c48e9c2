@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Specs and steps shared by the build and MCP tests.
enum Hosting {
    static func tool(_ name: String, _ implementation: String, schema: JSONValue = ["type": "object"]) -> ToolSpec {
        ToolSpec(name: name, description: "The \(name) tool.", inputSchema: schema, implementation: implementation)
    }

    static let calculator = ServerSpec(
        name: "Calculator", slug: "calculator", description: "Adds numbers.",
        tools: [
            tool("add", "return { sum: args.a + args.b };", schema: [
                "type": "object", "properties": ["a": ["type": "number"], "b": ["type": "number"]], "required": ["a", "b"],
            ]),
            tool("explode", "throw new Error('boom');"),
            tool("greet", "return 'Hello, ' + (args.name ?? 'world') + '!';", schema: [
                "type": "object", "properties": ["name": ["type": "string", "default": "friend"]],
            ]),
        ]
    )

    /// The calculator, declaring an `API_KEY` it never reads: only declared secrets reach a version's code.
    static var keyedCalculator: ServerSpec {
        var spec = calculator
        spec.requiredSecrets = [RequiredSecret(key: "API_KEY", description: "A key the tests store and replace.")]
        return spec
    }

    /// Creates a server over the API and runs its queued build; returns its id.
    static func createAndBuild(_ browser: BrowserSession, _ spec: ServerSpec = calculator) async throws -> UUID {
        let response = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec)])
        let id = (try AccountDataTests.json(response)["id"] as? String).flatMap { UUID(uuidString: $0) }
        guard response.status == .created, let id else {
            throw Abort(.internalServerError, reason: "creation failed: \(response.body.string)")
        }
        try await BuildRunner(app: browser.app).drain()
        return id
    }

    /// A personal API token for the signed-in browser's workspace.
    static func token(_ browser: BrowserSession) async throws -> String {
        let response = try await browser.postObject("/v1/tokens", ["name": "mcp"])
        return try #require(try AccountDataTests.json(response)["token"] as? String)
    }
}
