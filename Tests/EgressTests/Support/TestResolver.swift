import Egress

/// Answers from a fixed table, as a DNS server under the test's control would; unknown names fail to resolve.
struct TestResolver: HostResolver {
    var table: [String: [IPAddress]]

    init(_ table: [String: [String]]) {
        self.table = table.mapValues { $0.map { IPAddress($0)! } }
    }

    func resolve(host: String, port: Int) async throws -> [IPAddress] {
        guard let addresses = table[host] else { throw UnknownHost() }
        return addresses
    }

    private struct UnknownHost: Error {}
}

/// A resolver that never answers and ignores cancellation, like a `getaddrinfo` stuck on a dead DNS server.
struct StuckResolver: HostResolver {
    func resolve(host: String, port: Int) async throws -> [IPAddress] {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
        return []
    }
}

enum TestNetwork {
    static let loopbackOnly = [try! CIDR(parsing: "127.0.0.1/32")]

    /// A policy for the local test server: its names are allowlisted and 127.0.0.1 alone is opened.
    static func policy(
        allowing domains: [String] = ["allowed.test", "*.allowed.test"],
        timeout: Duration = .seconds(10),
        maxResponseBytes: Int = 64 * 1024,
        maxRedirects: Int = 5
    ) -> EgressPolicy {
        EgressPolicy(
            allowedDomains: domains,
            extraAllowedCIDRs: loopbackOnly,
            maxResponseBytes: maxResponseBytes,
            timeout: timeout,
            maxRedirects: maxRedirects
        )
    }

    /// Every test name points at the local server, or at a set that includes an address no test policy opens
    /// (only 127.0.0.1 and 127.0.0.2 ever are), so that no test can open a connection beyond loopback.
    /// `rebind*.test` answer with one public and one loopback address, as a rebinding attacker's DNS would.
    static let resolver = TestResolver([
        "allowed.test": ["127.0.0.1"],
        "cdn.allowed.test": ["127.0.0.1"],
        "a.b.allowed.test": ["127.0.0.1"],
        "example.com": ["127.0.0.1"],
        "anything.test": ["127.0.0.1"],
        "egress.test": ["127.0.0.1"],
        "other.test": ["127.0.0.1"],
        "internal.test": ["10.1.2.3"],
        "rebind.test": ["93.184.216.34", "127.0.0.3"],
        "rebind-v6.test": ["2606:4700::1111", "::1"],
        "rebind-later.test": ["127.0.0.4", "93.184.216.34"],
    ])
}
