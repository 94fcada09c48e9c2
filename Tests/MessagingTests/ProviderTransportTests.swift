import AsyncHTTPClient
import Testing

@testable import Messaging

@Suite("Provider transport")
struct ProviderTransportTests {
    @Test("reads at most 64 KB of a response")
    func responseLimit() async throws {
        try await withProvider(replying: .respond(status: 200, body: String(repeating: "x", count: 1_000_000))) {
            server,
            client in
            // given a provider answering with a megabyte
            let transport = ProviderTransport(httpClient: client, timeout: .seconds(5))
            // when it is called
            let response = try await transport.exchange(HTTPClientRequest(url: server.baseURL + "/big"))
            // then only the first 64 KB are kept
            #expect(response.status == 200)
            #expect(response.body.count == 64 * 1024)
        }
    }

    @Test(
        "form encoding keeps only unreserved characters",
        arguments: [
            ("+41791234567", "%2B41791234567"),
            ("a b&c=d", "a%20b%26c%3Dd"),
            ("Grüezi ~-._", "Gr%C3%BCezi%20~-._"),
        ]
    )
    func percentEncoding(raw: String, encoded: String) {
        #expect(ProviderCoding.percentEncoded(raw) == encoded)
    }
}
