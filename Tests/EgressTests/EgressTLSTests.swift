import NIOSSL
import Testing

@testable import Egress

/// The connection goes to the checked IP while the certificate is verified against the URL's host name.
@Suite("Egress guard: TLS to a pinned address")
struct EgressTLSTests {
    @Test("https to a name mapped to 127.0.0.1 verifies the certificate for that name")
    func verifiesCertificateForTheName() async throws {
        try await withTestServer(routes: ["/": .text("secure")], tls: try TestCertificates.serverContext()) { server in
            // given
            let client = EgressClient(
                resolver: TestNetwork.resolver, tlsConfiguration: try TestCertificates.clientConfiguration())
            let policy = TestNetwork.policy(allowing: ["egress.test"])

            // when
            let response = try await client.fetch(
                EgressRequest(url: "https://egress.test:\(server.port)/"), policy: policy)

            // then
            #expect(response.body == Array("secure".utf8))
            #expect(server.requests.first?.header("Host") == "egress.test:\(server.port)")
        }
    }

    @Test("the same server under another name fails certificate verification")
    func refusesCertificateForAnotherName() async throws {
        try await withTestServer(routes: ["/": .text("secure")], tls: try TestCertificates.serverContext()) { server in
            // given
            let client = EgressClient(
                resolver: TestNetwork.resolver, tlsConfiguration: try TestCertificates.clientConfiguration())
            let policy = TestNetwork.policy(allowing: ["other.test"])

            // when
            let error = await #expect(throws: EgressError.self) {
                try await client.fetch(EgressRequest(url: "https://other.test:\(server.port)/"), policy: policy)
            }

            // then
            guard case .connectionFailed(let reason) = error else {
                Issue.record("expected connectionFailed, got \(String(describing: error))")
                return
            }
            #expect(reason.hasPrefix("TLS with"))
            #expect(server.requests.isEmpty)
        }
    }

    @Test("an untrusted root fails verification with the default trust store")
    func refusesUntrustedRoot() async throws {
        try await withTestServer(routes: ["/": .text("secure")], tls: try TestCertificates.serverContext()) { server in
            // given
            let client = EgressClient(resolver: TestNetwork.resolver)
            let policy = TestNetwork.policy(allowing: ["egress.test"])

            // when
            let error = await #expect(throws: EgressError.self) {
                try await client.fetch(EgressRequest(url: "https://egress.test:\(server.port)/"), policy: policy)
            }

            // then
            guard case .connectionFailed(let reason) = error else {
                Issue.record("expected connectionFailed, got \(String(describing: error))")
                return
            }
            #expect(reason.hasPrefix("TLS with"))
            #expect(server.requests.isEmpty)
        }
    }
}
