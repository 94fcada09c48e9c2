@testable import App
import Core
import Egress
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// SECURITY.md 44 through a hosted tool: on a redirect to another origin, a header holding the server's secret in any
/// spelling a tool commonly sends it in (URL-encoded, `btoa("user:" + key)`) is dropped, not only one holding it as written.
@Suite("Tool fetches: encoded secrets stay on their origin")
struct EgressSecretHeaderTests {
    @Test("URL-encoded and base64 spellings of a secret are dropped on a cross-origin redirect; other headers follow",
          arguments: TestDatabase.all)
    func encodedSecretsDropped(database: TestDatabase) async throws {
        let seen = NIOLockedValueBox<[[String: String]]>([])
        try await LoopbackTarget.with(routes: { target in
            target.get("start") { req -> Response in
                let port = req.application.http.server.shared.localAddress?.port ?? 0
                return req.redirect(to: "http://elsewhere.example:\(port)/cross", redirectType: .temporary)
            }
            target.get("cross") { req -> String in
                seen.withLockedValue { $0.append(Dictionary(req.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })) }
                return "ok"
            }
        }) { port in
            let config = try testConfig(database: database, environment: ["BMM_EGRESS_ALLOW_CIDRS": "127.0.0.1/32"])
            try await withConfiguredApp(config) { app in
                // given a tool that sends its key three ways, and a header with nothing secret in it
                let (browser, _) = try await AccountDataTests.signedIn(app)
                var spec = Hosting.keyedCalculator
                spec.allowedDomains = ["api.example", "elsewhere.example"]
                spec.tools = [Hosting.tool("send", """
                    const k = ctx.secrets.API_KEY;
                    const res = await ctx.fetch('http://api.example:\(port)/start', { headers: {
                        'X-Enc': 'k=' + encodeURIComponent(k), 'X-B64': 'Basic ' + btoa('u:' + k), 'X-B64-Plain': btoa(k), 'X-Plain': 'kept' } });
                    return await res.text();
                    """)]
                let created = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec),
                                                                            "secrets": ["API_KEY": "abc/def+ghi=jkl&mno?"]])
                #expect(created.status == .created, "\(created.body.string)")
                let id = try #require((try AccountDataTests.json(created)["id"] as? String).flatMap(UUID.init(uuidString:)))
                try await BuildRunner(app: app).drain()
                // two names for 127.0.0.1, so the one local server is two origins
                TracePropagationTests.resolve(["api.example", "elsewhere.example"], toLoopbackIn: app)
                let client = MCPEndpointTests.Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser))
                // when
                let meta: [String: Any] = ["io.modelcontextprotocol/protocolVersion": "2026-07-28",
                                           "io.modelcontextprotocol/clientCapabilities": [:] as [String: Any]]
                let response = try await client.post(
                    ["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["name": "send", "arguments": [:] as [String: Any], "_meta": meta]],
                    headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "send"])
                // then the other origin got the plain header and none of the key's spellings
                #expect(response.status == .ok)
                #expect(response.body.string.contains("ok"), "\(response.body.string)")
                let crossed = try #require(seen.withLockedValue { $0 }.first)
                #expect(crossed["x-plain"] == "kept")
                #expect(crossed["x-enc"] == nil)
                #expect(crossed["x-b64"] == nil)
                #expect(crossed["x-b64-plain"] == nil)
            }
        }
    }
}
