@testable import App
import Fluent
import Foundation
import Testing
import NIOCore
import Vapor
import VaporTesting

@Suite("Origin and Host checks (DNS rebinding)")
struct OriginAndHostTests {
    static func production(_ extra: [String: String] = [:]) throws -> AppConfig {
        try testConfig(environment: [
            "BMM_ENV": "production",
            "BMM_PUBLIC_URL": "https://mcp.example.com",
            "BMM_SESSION_SECRET": String(repeating: "cd", count: 32),
            "BMM_ENCRYPTION_KEY": Data(repeating: 9, count: 32).base64EncodedString(),
        ].merging(extra) { _, new in new })
    }

    @Test("origins: the public origin, the allow-list, and in development the loopback aliases of the same port")
    func origins() {
        let development = SiteOrigins(publicURL: "http://127.0.0.1:8080", allowed: [], isProduction: false)
        #expect(development.allowsOrigin("http://127.0.0.1:8080"))
        #expect(development.allowsOrigin("http://localhost:8080"))
        #expect(development.allowsOrigin("http://[::1]:8080"))
        #expect(!development.allowsOrigin("http://localhost:9090"))
        #expect(!development.allowsOrigin("http://evil.example:8080"))
        #expect(!development.allowsOrigin("null"))
        #expect(development.allowsHost("LOCALHOST:8080"))
        #expect(!development.allowsHost("evil.example:8080"))

        let production = SiteOrigins(publicURL: "https://mcp.example.com", allowed: ["https://app.example.com:8443"], isProduction: true)
        #expect(production.allowsOrigin("https://mcp.example.com"))
        #expect(production.allowsOrigin("https://MCP.example.com:443"))
        #expect(production.allowsOrigin("https://app.example.com:8443"))
        #expect(!production.allowsOrigin("http://mcp.example.com"), "another scheme is another origin")
        #expect(!production.allowsOrigin("https://localhost"))
        #expect(production.allowsHost("mcp.example.com"))
        #expect(production.allowsHost("mcp.example.com:443"))
        #expect(production.allowsHost("app.example.com:8443"))
        #expect(!production.allowsHost("127.0.0.1"))
    }

    @Test("production refuses an unexpected Host with 421 and a clear code; health probes by address still answer")
    func unexpectedHost() async throws {
        try await withConfiguredApp(try Self.production()) { app in
            let rebound = try await app.testing().sendRequest(.GET, "/", headers: ["Host": "evil.example", "Accept": "application/json"])
            #expect(rebound.status == .misdirectedRequest)
            #expect(try AccountDataTests.json(rebound)["error"] as? String == "unexpected_host")
            let page = try await app.testing().sendRequest(.GET, "/login", headers: ["Host": "evil.example", "Accept": "text/html"])
            #expect(page.status == .misdirectedRequest)
            #expect(page.headers.contentType?.subType == "html", "a browser gets a page")
            #expect(try await app.testing().sendRequest(.GET, "/", headers: ["Host": "mcp.example.com"]).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/healthz", headers: ["Host": "10.0.0.7:8080"]).status == .ok)
        }
    }

    @Test("RFC 9112 §3.2.2: a target in absolute form is served as its path, and its authority is the host that is checked")
    func absoluteForm() async throws {
        try await withConfiguredApp(try Self.production()) { app in
            // (built as the HTTP server builds it: the whole target as the path, which picks no route)
            func send(_ target: String) async throws -> Response {
                let request = Request(application: app, method: .GET, url: URI(path: target),
                                      headers: ["Host": "mcp.example.com", "Accept": "application/json"], on: app.eventLoopGroup.any())
                return try await app.responder.respond(to: request).get()
            }
            let robots = try await send("https://mcp.example.com/robots.txt?x=1")
            #expect(robots.status == .ok, "it was a 404: the whole address taken for a path")
            #expect(robots.body.string?.contains("Sitemap") == true)
            // the target's authority wins over Host (RFC 9112 §3.2.2), and is checked as a Host would be
            #expect(try await send("https://evil.example/robots.txt").status == .misdirectedRequest)
        }
    }

    @Test("RFC 9112 §3.2: a Host value that is not uri-host [\":\" port] is 400, health probes included",
          arguments: ["a b", "example.com:80x", "exa\"mple.com", "[::1", "[]:80", "example.com%zz", "mcp.example.com:443:1", "a/b"])
    func malformedHost(value: String) async throws {
        try await withConfiguredApp(try Self.production()) { app in
            let peer = try SocketAddress(ipAddress: "203.0.113.5", port: 5000)
            for path in ["/login", "/healthz"] {
                let answer = try await BrowserSession(app).send(.GET, path, from: peer, headers: ["Host": value, "Accept": "application/json"])
                #expect(answer.status == .badRequest, "\(value) on \(path)")
                #expect(try AccountDataTests.json(answer)["error"] as? String == "bad_host")
            }
        }
    }

    @Test("well-formed Host values: names, addresses, IP literals, ports, the empty value")
    func wellFormedHosts() {
        for value in ["mcp.example.com", "mcp.example.com:443", "127.0.0.1:8080", "[::1]", "[::1]:8080", "[v1.fe80::a+en1]", "",
                      "xn--bcher-kva.example", "my_host.local:"] {
            #expect(HostGuardMiddleware.isWellFormed(host: value), "\(value)")
        }
    }

    @Test("RFC 9112 §3.2: an HTTP/1.1 request from the network without Host, or any with two, is 400")
    func missingOrRepeatedHost() async throws {
        try await withConfiguredApp(try Self.production()) { app in
            let browser = BrowserSession(app)
            let peer = try SocketAddress(ipAddress: "203.0.113.5", port: 5000)
            let missing = try await browser.send(.GET, "/login", from: peer, headers: ["Accept": "application/json"], withHost: false)
            #expect(missing.status == .badRequest)
            #expect(try AccountDataTests.json(missing)["error"] as? String == "bad_host")
            var twice: HTTPHeaders = ["Accept": "application/json"]
            twice.add(name: .host, value: "mcp.example.com")
            twice.add(name: .host, value: "evil.example")
            #expect(try await browser.send(.GET, "/login", from: peer, headers: twice).status == .badRequest)
            #expect(try await browser.send(.GET, "/healthz", from: peer, headers: twice).status == .badRequest)
            #expect(try await browser.send(.GET, "/login", from: peer, headers: ["Host": "mcp.example.com"]).status == .ok)
        }
    }

    @Test("development: a rebound name reaches neither the outbox nor the forms; loopback names do")
    func developmentHost() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let outbox = try await app.testing().sendRequest(.GET, "/dev/outbox.json", headers: ["Host": "rebind.example:8080"])
            #expect(outbox.status == .misdirectedRequest)
            #expect(try await app.testing().sendRequest(.GET, "/dev/outbox.json", headers: ["Host": "localhost:8080"]).status == .ok)
        }
    }

    @Test("a form posted from a page whose Origin matches its own (rebound) Host is still refused", arguments: TestDatabase.all)
    func csrfIgnoresHost(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/settings").body.string))
            browser.origin = "http://rebind.example:8080"
            let posted = try await browser.send(.POST, "/settings/workspace", headers: [
                "Host": "127.0.0.1:8080", "Content-Type": "application/x-www-form-urlencoded",
            ], body: ByteBuffer(string: "name=Renamed&csrf=\(csrf)"))
            #expect(posted.status == .forbidden)
            #expect(try await Organization.query(on: app.db).filter(\.$name == "Renamed").count() == 0, "nothing changed")
        }
    }

    @Test("MCP: a foreign Origin is refused even when Host agrees with it; BMM_ALLOWED_ORIGINS opens one", arguments: TestDatabase.all)
    func mcpOrigins(database: TestDatabase) async throws {
        let config = try testConfig(database: database, environment: ["BMM_ALLOWED_ORIGINS": "https://inspector.example.com"])
        try await withConfiguredApp(config) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let body: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "ping"]
            let rebound = try await client.post(body, headers: ["Origin": "http://rebind.example:8080", "Host": "rebind.example:8080"])
            #expect(rebound.status == .misdirectedRequest)
            let foreign = try await client.post(body, headers: ["Origin": "http://rebind.example:8080", "Host": "127.0.0.1:8080"])
            #expect(foreign.status == .forbidden)
            #expect(try AccountDataTests.json(foreign)["error"] as? String == "origin_not_allowed")
            let allowed = try await client.post(body, headers: ["Origin": "https://inspector.example.com"])
            #expect(allowed.status != .forbidden, "\(allowed.body.string.prefix(200))")
        }
    }
}
