import Testing

@testable import Egress

/// Fetches that reach the local test server on 127.0.0.1 through names the test resolver maps to it, with only
/// 127.0.0.1/32 opened by the policy.
@Suite("Egress guard: allowed fetches")
struct EgressClientTests {
    private let client = EgressClient(resolver: TestNetwork.resolver)

    @Test("an allowlisted name mapped to an opened address is fetched")
    func fetchesThroughAllowlistedName() async throws {
        try await withTestServer(routes: ["/hello": .text("hi there")]) { server in
            // given
            let url = "http://allowed.test:\(server.port)/hello?x=1"

            // when
            let response = try await client.fetch(EgressRequest(url: url), policy: TestNetwork.policy())

            // then
            #expect(response.status == 200)
            #expect(response.body == Array("hi there".utf8))
            #expect(response.finalURL == url)
            #expect(server.requests.map(\.uri) == ["/hello?x=1"])
            #expect(server.requests.first?.header("Host") == "allowed.test:\(server.port)")
        }
    }

    @Test("the same name is refused when loopback is not opened: the guard itself denies it")
    func loopbackNeedsTheExtraRange() async throws {
        try await withTestServer(routes: ["/": .text("secret")]) { server in
            // given
            var policy = TestNetwork.policy()
            policy.extraAllowedCIDRs = []

            // when / then
            await #expect(throws: EgressError.addressForbidden(host: "allowed.test", address: IPAddress("127.0.0.1")!))
            {
                try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/"), policy: policy)
            }
            #expect(server.requests.isEmpty)
        }
    }

    @Test("example.com mapped to 127.0.0.1 is reached with 127.0.0.1/32 opened")
    func examplePointsAtLoopback() async throws {
        try await withTestServer(routes: ["/": .text("example")]) { server in
            // given
            let policy = TestNetwork.policy(allowing: ["example.com"])

            // when
            let response = try await client.fetch(
                EgressRequest(url: "http://example.com:\(server.port)/"), policy: policy)

            // then
            #expect(response.body == Array("example".utf8))
        }
    }

    @Test(
        // `*` matches any name too (HostAllowlistTests), but only public addresses: these test hosts are on loopback.
        "wildcards match subdomains at any depth",
        arguments: [
            (["*.allowed.test"], "cdn.allowed.test"),
            (["*.allowed.test"], "a.b.allowed.test"),
            (["*", "*.test"], "anything.test"),
            (["ALLOWED.TEST"], "allowed.test."),
        ]
    )
    func wildcardHosts(allowlist: [String], host: String) async throws {
        try await withTestServer(routes: ["/": .text("ok")]) { server in
            // given
            let policy = TestNetwork.policy(allowing: allowlist)

            // when
            let response = try await client.fetch(EgressRequest(url: "http://\(host):\(server.port)/"), policy: policy)

            // then
            #expect(response.status == 200)
        }
    }

    @Test("a wildcard does not match its apex")
    func wildcardSkipsApex() async throws {
        // given
        let policy = TestNetwork.policy(allowing: ["*.allowed.test"])

        // when / then
        await #expect(throws: EgressError.hostNotAllowed("allowed.test", allowed: ["*.allowed.test"])) {
            try await client.fetch(EgressRequest(url: "http://allowed.test:1/"), policy: policy)
        }
    }

    @Test("the body and safe headers are sent; transport-owned and proxy headers are not")
    func sendsBodyAndFilteredHeaders() async throws {
        try await withTestServer(routes: ["/echo": .echo]) { server in
            // given
            let request = EgressRequest(
                url: "http://allowed.test:\(server.port)/echo",
                method: "post",
                headers: [
                    EgressHeader("Host", "evil.test"), EgressHeader("Content-Length", "999"),
                    EgressHeader("Transfer-Encoding", "chunked"), EgressHeader("Proxy-Authorization", "Basic x"),
                    EgressHeader("Connection", "X-Drop"), EgressHeader("X-Drop", "1"),
                    EgressHeader("Authorization", "Bearer token"), EgressHeader("Content-Type", "application/json"),
                ],
                body: Array(#"{"a":1}"#.utf8)
            )

            // when
            let response = try await client.fetch(request, policy: TestNetwork.policy())

            // then
            let seen = try #require(server.requests.first)
            #expect(response.body == Array(#"{"a":1}"#.utf8))
            #expect(seen.method == .POST)
            #expect(seen.header("Host") == "allowed.test:\(server.port)")
            #expect(seen.header("Content-Length") == "7")
            #expect(seen.header("Transfer-Encoding") == nil)
            #expect(seen.header("Proxy-Authorization") == nil)
            #expect(seen.header("X-Drop") == nil)
            #expect(seen.header("Authorization") == "Bearer token")
            #expect(seen.header("Content-Type") == "application/json")
        }
    }

    @Test("a redirect to another allowed host is followed and checked again")
    func followsRedirectToAllowedHop() async throws {
        let routes: [String: TestReply] = [
            "/start": .redirect(status: 302, location: "http://cdn.allowed.test:{port}/middle"),
            "/middle": .redirect(status: 301, location: "/final?done=1"),
            "/final": .text("arrived"),
        ]
        try await withTestServer(routes: routes) { server in
            // given
            let url = "http://allowed.test:\(server.port)/start"

            // when
            let response = try await client.fetch(EgressRequest(url: url), policy: TestNetwork.policy())

            // then
            #expect(response.body == Array("arrived".utf8))
            #expect(response.finalURL == "http://cdn.allowed.test:\(server.port)/final?done=1")
            #expect(server.requests.map(\.uri) == ["/start", "/middle", "/final?done=1"])
            #expect(server.requests.last?.header("Host") == "cdn.allowed.test:\(server.port)")
        }
    }

    @Test("redirect: manual answers with the redirect itself, error fails without following it")
    func redirectModes() async throws {
        let routes: [String: TestReply] = ["/from": .redirect(status: 302, location: "/to"), "/to": .text("arrived")]
        try await withTestServer(routes: routes) { server in
            // given
            let url = "http://allowed.test:\(server.port)/from"

            // when
            let manual = try await client.fetch(EgressRequest(url: url, redirect: .manual), policy: TestNetwork.policy())
            let refused = await #expect(throws: EgressError.self) {
                try await client.fetch(EgressRequest(url: url, redirect: .error), policy: TestNetwork.policy())
            }

            // then neither followed it
            #expect(manual.status == 302)
            #expect(manual.statusText == "Found")
            #expect(manual.headers.first(named: "location") == "/to")
            #expect(manual.finalURL == url)
            #expect(refused == .redirectNotFollowed)
            #expect(server.requests.map(\.uri) == ["/from", "/from"])
        }
    }

    @Test("the status text is the status code's reason phrase")
    func statusText() async throws {
        try await withTestServer(routes: ["/ok": .text("fine"), "/gone": .text("nope", status: 404)]) { server in
            let ok = try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/ok"), policy: TestNetwork.policy())
            let gone = try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/gone"), policy: TestNetwork.policy())
            #expect(ok.statusText == "OK")
            #expect(gone.statusText == "Not Found")
        }
    }

    @Test(
        "redirects change the method as HTTP says",
        arguments: [
            (303, "POST", "GET", false), (303, "PUT", "GET", false), (302, "POST", "GET", false),
            (301, "POST", "GET", false), (302, "PUT", "PUT", true), (307, "POST", "POST", true),
            (308, "PUT", "PUT", true),
        ]
    )
    func redirectMethods(status: Int, method: String, followedWith: String, keepsBody: Bool) async throws {
        let routes: [String: TestReply] = ["/from": .redirect(status: status, location: "/to"), "/to": .echo]
        try await withTestServer(routes: routes) { server in
            // given
            let request = EgressRequest(
                url: "http://allowed.test:\(server.port)/from",
                method: method,
                headers: [EgressHeader("Content-Type", "text/plain")],
                body: Array("payload".utf8)
            )

            // when
            let response = try await client.fetch(request, policy: TestNetwork.policy())

            // then
            let second = try #require(server.requests.last)
            #expect(second.method.rawValue == followedWith)
            #expect(second.body == (keepsBody ? Array("payload".utf8) : []))
            #expect(second.header("Content-Type") == (keepsBody ? "text/plain" : nil))
            #expect(response.body == second.body)
        }
    }

    @Test("credentials are dropped when a redirect leaves the origin, kept within it")
    func credentialsStayOnTheirOrigin() async throws {
        let routes: [String: TestReply] = [
            "/same": .redirect(status: 307, location: "/same-target"),
            "/same-target": .redirect(status: 307, location: "http://cdn.allowed.test:{port}/other"),
            "/other": .text("done"),
        ]
        try await withTestServer(routes: routes) { server in
            // given
            let request = EgressRequest(
                url: "http://allowed.test:\(server.port)/same",
                headers: [
                    EgressHeader("Authorization", "Bearer t"), EgressHeader("Cookie", "s=1"),
                    EgressHeader("X-Trace", "7"),
                ]
            )

            // when
            _ = try await client.fetch(request, policy: TestNetwork.policy())

            // then
            let seen = server.requests
            #expect(seen.map { $0.header("Authorization") } == ["Bearer t", "Bearer t", nil])
            #expect(seen.map { $0.header("Cookie") } == ["s=1", "s=1", nil])
            #expect(seen.map { $0.header("X-Trace") } == ["7", "7", "7"])
        }
    }

    @Test("a header carrying a secret value, or named like an API key, does not follow a redirect to another origin")
    func secretHeadersStayOnTheirOrigin() async throws {
        let routes: [String: TestReply] = [
            "/start": .redirect(status: 302, location: "/same-target"),
            "/same-target": .redirect(status: 307, location: "http://cdn.allowed.test:{port}/other"),
            "/other": .text("done"),
        ]
        try await withTestServer(routes: routes) { server in
            // given a tool's secret sent in a header of the API's own choosing
            let request = EgressRequest(
                url: "http://allowed.test:\(server.port)/start",
                headers: [
                    EgressHeader("X-Custom-Auth", "key=sk-test-0000-secret"), EgressHeader("X-Api-Key", "k2"),
                    EgressHeader("X-Trace", "now-7"),
                ],
                secretValues: ["sk-test-0000-secret", "no"]
            )

            // when the API redirects within its origin, then elsewhere
            _ = try await client.fetch(request, policy: TestNetwork.policy())

            // then both credentials go only to their own origin; ordinary headers (even one holding a short
            // "secret" by chance) follow
            let seen = server.requests
            #expect(seen.map { $0.header("X-Custom-Auth") } == ["key=sk-test-0000-secret", "key=sk-test-0000-secret", nil])
            #expect(seen.map { $0.header("X-Api-Key") } == ["k2", "k2", nil])
            #expect(seen.map { $0.header("X-Trace") } == ["now-7", "now-7", "now-7"])
        }
    }

    @Test("a body holding a secret is not sent on by a 307 to another origin; within its origin it is, and a body without one too")
    func secretBodiesStayOnTheirOrigin() async throws {
        let routes: [String: TestReply] = [
            "/start": .redirect(status: 307, location: "/same"),
            "/same": .redirect(status: 308, location: "http://cdn.allowed.test:{port}/other"),
            "/other": .text("done"),
        ]
        try await withTestServer(routes: routes) { server in
            // given a form that carries the tool's key, percent-encoded
            let secret = "sk-test/0000+secret"
            let form = EgressRequest(url: "http://allowed.test:\(server.port)/start", method: "POST",
                                     headers: [EgressHeader("Content-Type", "application/x-www-form-urlencoded")],
                                     body: Array("q=1&api_key=sk-test%2F0000%2Bsecret".utf8), secretValues: [secret])
            // when / then: it reaches its own origin twice, and the hop to the other origin is refused
            await #expect(throws: EgressError.secretInRedirectedBody(host: "cdn.allowed.test")) {
                try await client.fetch(form, policy: TestNetwork.policy())
            }
            #expect(server.requests.count == 2)
            // and a body without a secret follows as Fetch has it
            let plain = EgressRequest(url: "http://allowed.test:\(server.port)/start", method: "POST", body: Array("q=1".utf8),
                                      secretValues: [secret])
            let followed = try await client.fetch(plain, policy: TestNetwork.policy())
            #expect(followed.status == 200)
            #expect(server.requests.last?.body == Array("q=1".utf8))
        }
    }

    @Test("the ports browsers refuse to fetch (SMTP, SSH, IRC…) are refused before anything connects", arguments: [25, 22, 6667, 10080])
    func badPortsAreRefused(port: Int) async throws {
        await #expect(throws: EgressError.portNotAllowed(port)) {
            try await client.fetch(EgressRequest(url: "http://allowed.test:\(port)/"), policy: TestNetwork.policy())
        }
    }

    @Test("a redirect loop stops at maxRedirects")
    func stopsAtRedirectLimit() async throws {
        try await withTestServer(routes: ["/loop": .redirect(status: 302, location: "/loop")]) { server in
            // given
            let policy = TestNetwork.policy(maxRedirects: 3)

            // when / then
            await #expect(throws: EgressError.tooManyRedirects(limit: 3)) {
                try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/loop"), policy: policy)
            }
            #expect(server.requests.count == 4)
        }
    }

    @Test("a 3xx without Location is returned as it is")
    func redirectWithoutLocationIsAResponse() async throws {
        try await withTestServer(routes: ["/": .text("not modified", status: 304)]) { server in
            // given / when
            let response = try await client.fetch(
                EgressRequest(url: "http://allowed.test:\(server.port)/"), policy: TestNetwork.policy())

            // then
            #expect(response.status == 304)
        }
    }

    @Test(
        "responses up to the limit are returned whole",
        arguments: [TestReply.sized(bytes: 1000), .chunked(size: 100, count: 10), .sized(bytes: 0)]
    )
    func acceptsResponsesAtTheLimit(reply: TestReply) async throws {
        try await withTestServer(routes: ["/": reply]) { server in
            // given
            let policy = TestNetwork.policy(maxResponseBytes: 1000)

            // when
            let response = try await client.fetch(
                EgressRequest(url: "http://allowed.test:\(server.port)/"), policy: policy)

            // then
            #expect(response.body.count <= 1000)
            #expect(response.status == 200)
        }
    }

    @Test(
        "a response over the limit fails, whether declared or streamed",
        arguments: [TestReply.sized(bytes: 1001), .sized(bytes: 5_000_000), .chunked(size: 512, count: 200)]
    )
    func refusesOversizedResponses(reply: TestReply) async throws {
        try await withTestServer(routes: ["/": reply]) { server in
            // given
            let policy = TestNetwork.policy(maxResponseBytes: 1000)

            // when / then
            await #expect(throws: EgressError.responseTooLarge(limit: 1000)) {
                try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/"), policy: policy)
            }
        }
    }

    @Test("a server that never answers hits the total timeout")
    func timesOutOnHangingServer() async throws {
        try await withTestServer(routes: ["/": .hang]) { server in
            // given
            let policy = TestNetwork.policy(timeout: .milliseconds(500))
            let started = ContinuousClock.now

            // when / then
            await #expect(throws: EgressError.timeout) {
                try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/"), policy: policy)
            }
            #expect(ContinuousClock.now - started < .seconds(20))  // far below the 30 s default: the policy timeout ended it
        }
    }

    @Test("a resolver that never answers still ends at the timeout")
    func timesOutOnStuckResolver() async {
        // given
        let stuckClient = EgressClient(resolver: StuckResolver())
        let policy = TestNetwork.policy(timeout: .milliseconds(300))
        let started = ContinuousClock.now

        // when / then
        await #expect(throws: EgressError.timeout) {
            try await stuckClient.fetch(EgressRequest(url: "http://allowed.test/"), policy: policy)
        }
        #expect(ContinuousClock.now - started < .seconds(20))  // far below the 30 s default: the policy timeout ended it
    }

    @Test("a connection refused is a connection failure")
    func connectionRefused() async throws {
        // given: a port that was just in use and is now closed
        let server = try await LocalTestServer.start(routes: [:])
        let port = server.port
        await server.stop()

        // when
        let error = await #expect(throws: EgressError.self) {
            try await client.fetch(EgressRequest(url: "http://allowed.test:\(port)/"), policy: TestNetwork.policy())
        }

        // then
        guard case .connectionFailed(let reason) = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(reason == "could not connect to allowed.test")
    }
}
