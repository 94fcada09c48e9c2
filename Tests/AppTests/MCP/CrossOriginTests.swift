@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// Browser-based MCP and OAuth clients on another origin: preflights, readable answers
/// (refusals included), and nothing opened beyond the configured pages and the machine endpoints.
@Suite("Cross-origin calls from browser-based clients (CORS)")
struct CrossOriginTests {
    static let inspector = "http://localhost:6274"
    static var initialize: [String: Any] {
        ["jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any], "clientInfo": ["name": "inspector", "version": "1"]]]
    }

    static func preflight(_ app: Application, _ path: String, origin: String, method: String = "POST",
                          headers asked: String = "authorization, content-type, mcp-protocol-version") async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.OPTIONS, path, headers: [
            "Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": asked,
        ])
    }

    @Test("a listed page: its preflight is answered, its session id and a 401's challenge are readable; an unlisted page is refused",
          arguments: TestDatabase.all)
    func listedPage(database: TestDatabase) async throws {
        let config = try testConfig(database: database, environment: ["BMM_MCP_BROWSER_ORIGINS": Self.inspector])
        try await withConfiguredApp(config) { app in
            var (client, _) = try await MCPEndpointTests.setUp(app)

            // when: the page asks before its first POST
            let asked = try await Self.preflight(app, client.path, origin: Self.inspector)

            // then
            #expect(asked.status == .noContent)
            #expect(asked.headers.first(name: "Access-Control-Allow-Origin") == Self.inspector)
            #expect(asked.headers.first(name: "Access-Control-Allow-Credentials") == nil, "bearer tokens only, never cookies")
            let methods = Set((asked.headers.first(name: "Access-Control-Allow-Methods") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(methods.isSuperset(of: ["GET", "POST", "DELETE"]))
            #expect(asked.headers.first(name: "Access-Control-Allow-Headers") == "authorization, content-type, mcp-protocol-version")
            #expect(asked.headers[.vary].joined(separator: ",").contains("Origin"))

            // when: it initializes
            let initialized = try await client.post(Self.initialize, headers: ["Origin": Self.inspector])

            // then: it may read the session id it must send back
            #expect(initialized.status == .ok)
            #expect(initialized.headers.first(name: "Access-Control-Allow-Origin") == Self.inspector)
            let exposed = (initialized.headers.first(name: "Access-Control-Expose-Headers") ?? "").lowercased()
            #expect(exposed.contains("mcp-session-id") && exposed.contains("www-authenticate"))
            client.session = try #require(initialized.headers.first(name: "MCP-Session-Id"))
            let listed = try await client.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"], headers: ["Origin": Self.inspector])
            #expect(listed.status == .ok)
            #expect(listed.headers.first(name: "Access-Control-Allow-Origin") == Self.inspector)

            // and: without a token, the challenge that starts OAuth discovery is readable too
            let anonymous = try await app.testing().sendRequest(.POST, client.path, headers: [
                "Origin": Self.inspector, "Content-Type": "application/json",
            ], body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: Self.initialize)))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers.first(name: "Access-Control-Allow-Origin") == Self.inspector)
            #expect(anonymous.headers.first(name: .wwwAuthenticate)?.contains("resource_metadata=") == true)

            // and: any other page is refused, preflight and call alike, with nothing it could read
            for refused in [try await Self.preflight(app, client.path, origin: "http://localhost:6275"),
                            try await client.post(Self.initialize, headers: ["Origin": "https://evil.example"])] {
                #expect(refused.status == .forbidden)
                #expect(try AccountDataTests.json(refused)["error"] as? String == "origin_not_allowed")
                #expect(refused.headers.first(name: "Access-Control-Allow-Origin") == nil)
            }
        }
    }

    @Test("by default only the site's own pages may call; `*` lets any page call with its token", arguments: TestDatabase.all)
    func defaultAndAnyPage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let foreign = try await Self.preflight(app, client.path, origin: Self.inspector)
            #expect(foreign.status == .forbidden)
            let own = try await client.post(Self.initialize, headers: ["Origin": "http://127.0.0.1:8080"])
            #expect(own.status == .ok)
            #expect(own.headers.first(name: "Access-Control-Allow-Origin") == "http://127.0.0.1:8080")
            // without an Origin the answer says it depends on one, so a cache never hands it to a page
            let plain = try await client.post(Self.initialize)
            #expect(plain.headers[.vary].joined(separator: ",").contains("Origin"))
        }
        let any = try testConfig(database: database, environment: ["BMM_MCP_BROWSER_ORIGINS": "*"])
        try await withConfiguredApp(any) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let asked = try await Self.preflight(app, client.path, origin: "https://some-agent.example")
            #expect(asked.status == .noContent)
            #expect(asked.headers.first(name: "Access-Control-Allow-Origin") == "https://some-agent.example",
                    "the page's own origin, so that an answer is never readable by a page it was not meant for")
            let called = try await client.post(Self.initialize, headers: ["Origin": "https://some-agent.example"])
            #expect(called.status == .ok)
            let stranger = try await app.testing().sendRequest(.POST, client.path, headers: [
                "Origin": "https://some-agent.example", "Content-Type": "application/json", "Authorization": "Bearer bmm_not-a-token",
            ], body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: Self.initialize)))
            #expect(stranger.status == .unauthorized, "any page may call; none gets in without a token")
        }
    }

    @Test("OAuth discovery, registration, token and revocation answer any page; the consent page and the API do not",
          arguments: TestDatabase.all)
    func oauthMachineEndpoints(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (_, id) = try await MCPEndpointTests.setUp(app)
            let page = "https://client.example"

            // discovery, the JSON 404 at another issuer's path, and registration's preflight
            for path in ["/.well-known/oauth-protected-resource/mcp/\(id.uuidString.lowercased())", "/.well-known/oauth-authorization-server",
                         "/.well-known/openid-configuration"] {
                let got = try await app.testing().sendRequest(.GET, path, headers: ["Origin": page, "MCP-Protocol-Version": "2025-06-18"])
                #expect(got.headers.first(name: "Access-Control-Allow-Origin") == "*", "\(path) answered \(got.status)")
                let asked = try await Self.preflight(app, path, origin: page, method: "GET", headers: "mcp-protocol-version")
                #expect(asked.status == .noContent && asked.headers.first(name: "Access-Control-Allow-Origin") == "*", "\(path)")
                // asked without an Origin (a desktop client, a crawler), the answer a cache may keep is the same one
                let plain = try await app.testing().sendRequest(.GET, path)
                #expect(plain.headers.first(name: "Access-Control-Allow-Origin") == "*", "\(path) without Origin")
                #expect(!plain.headers[.vary].joined().contains("Origin"))
            }
            let register = try await Self.preflight(app, "/oauth/register", origin: page, headers: "content-type")
            #expect(register.status == .noContent)
            #expect(register.headers.first(name: "Access-Control-Allow-Origin") == "*")
            #expect(register.headers.first(name: "Access-Control-Allow-Methods")?.contains("POST") == true)
            #expect(register.headers.first(name: "Access-Control-Allow-Headers") == "content-type")
            let registered = try await app.testing().sendRequest(.POST, "/oauth/register", headers: ["Origin": page, "Content-Type": "application/json"],
                                                                 body: ByteBuffer(string: #"{"client_name":"Web client","redirect_uris":["https://client.example/cb"]}"#))
            #expect(registered.status == .created)
            #expect(registered.headers.first(name: "Access-Control-Allow-Origin") == "*")

            // a refused token request is an RFC 6749 error the page can read
            let token = try await app.testing().sendRequest(.POST, "/oauth/token", headers: ["Origin": page, "Content-Type": "application/x-www-form-urlencoded"],
                                                            body: ByteBuffer(string: "grant_type=authorization_code&code=nope&client_id=nope"))
            #expect(token.status == .badRequest || token.status == .unauthorized)
            #expect(try AccountDataTests.json(token)["error"] != nil)
            #expect(token.headers.first(name: "Access-Control-Allow-Origin") == "*")

            // and: nothing that reads the session cookie is opened
            for (method, path) in [(HTTPMethod.GET, "/oauth/authorize"), (.POST, "/v1/servers"), (.GET, "/v1/me")] {
                let asked = try await Self.preflight(app, path, origin: page, method: method.rawValue)
                #expect(asked.headers.first(name: "Access-Control-Allow-Origin") == nil, "\(path)")
            }
        }
    }

    @Test("preflight headers: only header names are echoed")
    func headerNames() {
        #expect(CrossOriginMiddleware.isHeaderName("mcp-protocol-version"))
        #expect(CrossOriginMiddleware.isHeaderName("X-Custom_1"))
        #expect(!CrossOriginMiddleware.isHeaderName(""))
        #expect(!CrossOriginMiddleware.isHeaderName("a b"))
        #expect(!CrossOriginMiddleware.isHeaderName("x\r\nset-cookie"))
        #expect(!CrossOriginMiddleware.isHeaderName("ä"))
    }
}
