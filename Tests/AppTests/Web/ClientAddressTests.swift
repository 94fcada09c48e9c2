@testable import App
import Egress
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@Suite("Client addresses behind reverse proxies")
struct ClientAddressTests {
    static let proxies = try! CIDR.parseList("10.0.0.0/8, 127.0.0.1/32")

    static func resolve(peer: String, _ headers: [(String, String)]) -> ClientAddress {
        ClientAddress.resolve(peer: IPAddress(peer), headers: HTTPHeaders(headers), trustedProxies: proxies, ownScheme: "http")
    }

    @Test("a trusted proxy's X-Forwarded-For names the client; hops it appended are read right to left")
    func trustedForwardedFor() {
        // a client that sends its own X-Forwarded-For, through two trusted proxies
        let resolved = Self.resolve(peer: "10.0.0.2", [("X-Forwarded-For", "6.6.6.6, 203.0.113.7, 10.0.0.1"), ("X-Forwarded-Proto", "https")])
        #expect(resolved.address == IPAddress("203.0.113.7"))
        #expect(resolved.scheme == "https")
    }

    @Test("an untrusted peer's forwarding headers are ignored")
    func untrustedPeer() {
        let resolved = Self.resolve(peer: "198.51.100.9", [("X-Forwarded-For", "203.0.113.7"), ("X-Forwarded-Proto", "https"),
                                                           ("Forwarded", "for=203.0.113.8;proto=https")])
        #expect(resolved.address == IPAddress("198.51.100.9"))
        #expect(resolved.scheme == "http")
    }

    @Test("RFC 7239 Forwarded wins over X-Forwarded-For, with quoted IPv6 and ports")
    func forwardedHeader() {
        let resolved = Self.resolve(peer: "127.0.0.1", [("Forwarded", #"for="[2001:db8:cafe:1::17]:4711";proto=https, for=10.1.2.3"#),
                                                        ("X-Forwarded-For", "198.51.100.1")])
        #expect(resolved.address == IPAddress("2001:db8:cafe:1::17"))
        #expect(resolved.scheme == "https")
    }

    @Test("a hop a proxy could not name stops at the last trusted address")
    func obfuscatedHop() {
        #expect(Self.resolve(peer: "10.0.0.2", [("Forwarded", "for=unknown")]).address == IPAddress("10.0.0.2"))
    }

    @Test("IPv6 clients are limited per /64; IPv4-mapped peers count as IPv4")
    func rateLimitKeys() {
        let one = ClientAddress(address: IPAddress("2001:db8:1:2:aaaa::1"), scheme: "https")
        let sibling = ClientAddress(address: IPAddress("2001:db8:1:2:ffff:1:2:3"), scheme: "https")
        let neighbour = ClientAddress(address: IPAddress("2001:db8:1:3::1"), scheme: "https")
        #expect(one.rateLimitKey == sibling.rateLimitKey)
        #expect(one.rateLimitKey != neighbour.rateLimitKey)
        #expect(one.rateLimitKey == "2001:db8:1:2::/64")
        #expect(ClientAddress.unmapped(IPAddress("::ffff:192.0.2.5")!) == IPAddress("192.0.2.5"))
        #expect(ClientAddress(address: IPAddress("192.0.2.5"), scheme: "http").rateLimitKey == "192.0.2.5")
    }

    @Test("configured trusted proxies: the audit log records the forwarded client, and sign-in sends are limited per client",
          arguments: TestDatabase.all)
    func auditAndLimitsUseTheClient(database: TestDatabase) async throws {
        let config = try testConfig(database: database, environment: ["BMM_TRUSTED_PROXIES": "127.0.0.1/32", "BMM_SIGNIN_SENDS_PER_IP": "2"])
        try await withConfiguredApp(config) { app in
            let proxy = try SocketAddress(ipAddress: "127.0.0.1", port: 5000)
            let browser = BrowserSession(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/login").body.string))
            func send(as client: String, _ index: Int) async throws -> HTTPStatus {
                let body = "email=p\(index)-\(UUID().uuidString.prefix(6))%40example.com&csrf=\(csrf)&next=%2Fdashboard"
                return try await browser.send(.POST, "/login/email", from: proxy, headers: [
                    "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": client,
                ], body: ByteBuffer(string: body)).status
            }
            // given two clients behind the same proxy, each may send two sign-in messages
            #expect(try await send(as: "203.0.113.7", 0) == .seeOther)
            #expect(try await send(as: "203.0.113.7", 1) == .seeOther)
            #expect(try await send(as: "203.0.113.7", 2) == .tooManyRequests)
            #expect(try await send(as: "203.0.113.8", 3) == .seeOther, "another client behind the proxy has its own limit")
            // then the audit log names the clients, not the proxy
            let addresses = Set(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.magic_link_requested").all().compactMap(\.ip))
            #expect(addresses == ["203.0.113.7", "203.0.113.8"])
        }
    }

    @Test("without trusted proxies a forged X-Forwarded-For changes nothing", arguments: TestDatabase.all)
    func forgedHeaderIgnored(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_SIGNIN_SENDS_PER_IP": "1"])) { app in
            let peer = try SocketAddress(ipAddress: "198.51.100.20", port: 5000)
            let browser = BrowserSession(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/login").body.string))
            var statuses: [HTTPStatus] = []
            for index in 0..<2 {
                let body = "email=f\(index)-\(UUID().uuidString.prefix(6))%40example.com&csrf=\(csrf)&next=%2Fdashboard"
                statuses.append(try await browser.send(.POST, "/login/email", from: peer, headers: [
                    "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": "203.0.113.\(index + 1)",
                ], body: ByteBuffer(string: body)).status)
            }
            #expect(statuses == [.seeOther, .tooManyRequests])
            let addresses = Set(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.magic_link_requested").all().compactMap(\.ip))
            #expect(addresses == ["198.51.100.20"])
        }
    }

    @Test("production: a request a trusted proxy reports as plain http is sent to https, without HSTS; others' claims are ignored")
    func forwardedScheme() async throws {
        try await withConfiguredApp(try OriginAndHostTests.production(["BMM_TRUSTED_PROXIES": "10.0.0.0/8"])) { app in
            let browser = BrowserSession(app)
            let proxy = try SocketAddress(ipAddress: "10.1.2.3", port: 5000)
            let stranger = try SocketAddress(ipAddress: "198.51.100.4", port: 5000)
            let host: HTTPHeaders = ["Host": "mcp.example.com", "X-Forwarded-Proto": "http"]
            let page = try await browser.send(.GET, "/docs?x=1", from: proxy, headers: host)
            #expect(page.status == .permanentRedirect)
            #expect(page.headers.first(name: .location) == "https://mcp.example.com/docs?x=1")
            #expect(page.headers.first(name: "Strict-Transport-Security") == nil, "RFC 6797 §7.2: never HSTS over plain http")
            #expect(page.headers.first(name: "Content-Security-Policy") != nil)
            var json = host
            json.add(name: .accept, value: "application/json")
            let form = try await browser.send(.POST, "/login/email", from: proxy, headers: json)
            #expect(form.status == .badRequest)
            #expect(try AccountDataTests.json(form)["error"] as? String == "https_required")
            let secure = try await browser.send(.GET, "/", from: proxy, headers: ["Host": "mcp.example.com", "X-Forwarded-Proto": "https"])
            #expect(secure.status == .ok)
            #expect(secure.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
            #expect(try await browser.send(.GET, "/", from: stranger, headers: host).status == .ok, "an untrusted peer's header means nothing")
            #expect(try await browser.send(.GET, "/healthz", from: proxy, headers: host).status == .ok)
        }
    }

    @Test("BMM_TRUSTED_PROXIES must be CIDRs")
    func badConfiguration() {
        #expect(throws: ConfigError.self) { try testConfig(environment: ["BMM_TRUSTED_PROXIES": "10.0.0.1/8"]) }
        #expect(throws: ConfigError.self) { try testConfig(environment: ["BMM_ALLOWED_ORIGINS": "https://ok.example/path"]) }
    }
}
