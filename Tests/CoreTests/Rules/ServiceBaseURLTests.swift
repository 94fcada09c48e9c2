import Core
import Testing

@Suite("An outside service's base URL")
struct ServiceBaseURLTests {
    @Test("https anywhere and http on loopback are kept, without trailing slashes", arguments: [
        ("https://api.stripe.com", "https://api.stripe.com"),
        ("https://mail.example.com/v3/", "https://mail.example.com/v3"),
        ("http://127.0.0.1:9000//", "http://127.0.0.1:9000"),
        ("http://localhost:8025", "http://localhost:8025"),
    ])
    func accepted(raw: String, kept: String) throws {
        #expect(try ServiceBaseURL(raw).text == kept)
    }

    @Test("plain http elsewhere, credentials, queries, fragments and relative text are refused", arguments: [
        "http://api.stripe.com", "https://user:pass@api.stripe.com", "https://api.stripe.com?x=1",
        "https://api.stripe.com#top", "api.stripe.com", "", "ftp://127.0.0.1",
    ])
    func refused(raw: String) {
        #expect(throws: ServiceBaseURL.Problem.self) { try ServiceBaseURL(raw) }
    }
}
