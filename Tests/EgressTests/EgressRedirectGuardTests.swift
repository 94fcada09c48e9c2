import Testing

@testable import Egress

/// An allowed local server that redirects somewhere it must not: each hop is checked like the first.
@Suite("Egress guard: redirects to forbidden targets")
struct EgressRedirectGuardTests {
    static let cases: [(location: String, expected: EgressError)] = [
        (
            "http://169.254.169.254/latest/meta-data/",
            .addressForbidden(host: "169.254.169.254", address: IPAddress("169.254.169.254")!)
        ),
        ("http://127.0.0.2:{port}/", .addressForbidden(host: "127.0.0.2", address: IPAddress("127.0.0.2")!)),
        ("http://2130706434:{port}/", .addressForbidden(host: "127.0.0.2", address: IPAddress("127.0.0.2")!)),
        ("http://[::1]:{port}/", .addressForbidden(host: "::1", address: IPAddress("::1")!)),
        (
            "http://[::ffff:127.0.0.1]:{port}/",
            .addressForbidden(host: "::ffff:7f00:1", address: IPAddress("::ffff:7f00:1")!)
        ),
        ("http://10.0.0.1/", .addressForbidden(host: "10.0.0.1", address: IPAddress("10.0.0.1")!)),
        ("http://internal.test/", .addressForbidden(host: "internal.test", address: IPAddress("10.1.2.3")!)),
        (
            "http://rebind-later.test:{port}/",
            .addressForbidden(host: "rebind-later.test", address: IPAddress("127.0.0.4")!)
        ),
        ("ftp://allowed.test/", .schemeNotAllowed("ftp")),
        ("file:///etc/passwd", .schemeNotAllowed("file")),
        ("http://user:pw@allowed.test:{port}/", .userInfoNotAllowed),
        ("http://[::1/", .invalidRedirect),
    ]

    @Test("every hop is re-checked", arguments: cases)
    func refusesForbiddenHop(location: String, expected: EgressError) async throws {
        try await withTestServer(routes: ["/go": .redirect(status: 302, location: location)]) { server in
            // given: any name is allowed, and only 127.0.0.1 is opened, for the one host named
            let client = EgressClient(resolver: TestNetwork.resolver)
            let policy = TestNetwork.policy(allowing: ["allowed.test", "*"])

            // when / then
            await #expect(throws: expected) {
                try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/go"), policy: policy)
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test("a redirect to a host outside the allowlist is refused")
    func refusesHopOutsideAllowlist() async throws {
        let routes: [String: TestReply] = ["/go": .redirect(status: 307, location: "http://anything.test:{port}/")]
        try await withTestServer(routes: routes) { server in
            // given
            let client = EgressClient(resolver: TestNetwork.resolver)
            let policy = TestNetwork.policy(allowing: ["allowed.test"])

            // when / then
            await #expect(throws: EgressError.hostNotAllowed("anything.test", allowed: ["allowed.test"])) {
                try await client.fetch(EgressRequest(url: "http://allowed.test:\(server.port)/go"), policy: policy)
            }
            #expect(server.requests.count == 1)
        }
    }
}
