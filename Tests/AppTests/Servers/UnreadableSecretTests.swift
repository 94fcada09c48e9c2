@testable import App
import Core
import Crypto
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// A backup restored without its encryption key: the secrets' envelopes name a key this deployment does not have.
@Suite("Servers: a stored secret that no configured key opens counts as not set, and the server keeps serving")
struct UnreadableSecretTests {
    @Test("MCP answers, the tool runs without the value, and the server's page asks for it again", arguments: TestDatabase.all)
    func restoredWithoutKey(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a server whose secret was sealed with a key this deployment no longer has
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var spec = Hosting.keyedCalculator
            spec.tools.append(Hosting.tool("has_key", "return { hasKey: typeof ctx.secrets.API_KEY === 'string' };"))
            let created = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec), "secrets": ["API_KEY": "kept-value-1"]])
            #expect(created.status == .created, "\(created.body.string)")
            let id = try #require((try AccountDataTests.json(created)["id"] as? String).flatMap(UUID.init(uuidString:)))
            try await BuildRunner(app: app).drain()
            let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
            let before = try await client.stateless("tools/call", ["name": "has_key", "arguments": [:] as [String: Any]], name: "has_key")
            #expect(try MCPEndpointTests.result(before)["structuredContent"] as? [String: Bool] == ["hasKey": true])
            let row = try #require(try await ServerSecret.query(on: app.db).filter(\.$server.$id == id).first())
            let organization = row.$organization.id
            row.sealed = try SecretBox(current: SymmetricKey(size: .bits256)).seal("kept-value-1", for: .init(organization: organization, server: id, key: "API_KEY"))
            try await row.save(on: app.db)
            app.hosting.contexts.invalidate(id)

            // when
            let listed = try await client.stateless("tools/list")
            let added = try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 2, "b": 3]], name: "add")
            let keyed = try await client.stateless("tools/call", ["name": "has_key", "arguments": [:] as [String: Any]], name: "has_key")
            let page = try await browser.get("/servers/\(id.uuidString)/secrets")

            // then
            #expect(listed.status == .ok && added.status == .ok && keyed.status == .ok)
            #expect(try MCPEndpointTests.result(added)["structuredContent"] as? [String: Int] == ["sum": 5])
            #expect(try MCPEndpointTests.result(keyed)["structuredContent"] as? [String: Bool] == ["hasKey": false])
            #expect(page.body.string.contains("<code>API_KEY</code> <span class=\"badge status-failed\">not set</span>"))

            // and entering the value again brings it back
            let replaced = try await browser.send(.PUT, "/v1/servers/\(id.uuidString)/secrets/API_KEY",
                                                  headers: ["Content-Type": "application/json", "X-CSRF-Token": browser.csrfCookie ?? ""],
                                                  body: ByteBuffer(string: #"{"value":"entered-again-2"}"#))
            #expect(replaced.status == .noContent, "\(replaced.body.string)")
            let after = try await client.stateless("tools/call", ["name": "has_key", "arguments": [:] as [String: Any]], name: "has_key")
            #expect(try MCPEndpointTests.result(after)["structuredContent"] as? [String: Bool] == ["hasKey": true])
        }
    }
}
