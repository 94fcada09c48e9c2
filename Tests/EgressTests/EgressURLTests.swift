import Testing

@testable import Egress

@Suite("URL parsing")
struct EgressURLTests {
    private static func parse(_ text: String) throws(EgressError) -> EgressURL {
        try EgressURL.parse(text) { $0 == "http" || $0 == "https" }
    }

    @Test(
        "URLs are re-serialised canonically",
        arguments: [
            ("http://example.com", "http://example.com/"),
            ("HTTPS://Example.COM./a/b?c=d#frag", "https://example.com/a/b?c=d"),
            ("http://example.com:8080/x", "http://example.com:8080/x"),
            ("http://2130706433/", "http://127.0.0.1/"),
            ("http://[::FFFF:127.0.0.1]:81/", "http://[::ffff:7f00:1]:81/"),
            ("http://example.com/ü/\"x\"?q=<ü>", "http://example.com/%C3%BC/%22x%22?q=%3C%C3%BC%3E"),
            ("http://example.com/100%/%41", "http://example.com/100%25/%41"),
            ("http://example.com/a\\b", "http://example.com/a%5Cb"),
            ("http://example.com/a/./b/../c", "http://example.com/a/c"),
            ("http://example.com/../../etc", "http://example.com/etc"),
            ("http://example.com?x", "http://example.com/?x"),
        ]
    )
    func canonicalises(input: String, expected: String) throws {
        // given / when
        let url = try Self.parse(input)

        // then
        #expect(url.string == expected)
    }

    @Test(
        "refused URLs report why",
        arguments: [
            ("file:///etc/passwd", EgressError.schemeNotAllowed("file")),
            ("ftp://example.com/", .schemeNotAllowed("ftp")),
            ("gopher://example.com:70/_GET", .schemeNotAllowed("gopher")),
            ("javascript:alert(1)", .schemeNotAllowed("javascript")),
            ("data:text/plain,hi", .schemeNotAllowed("data")),
            ("dict://example.com:11211/", .schemeNotAllowed("dict")),
            ("http://user:pass@example.com/", .userInfoNotAllowed),
            ("http://example.com@127.0.0.1/", .userInfoNotAllowed),
            ("http://@example.com/", .userInfoNotAllowed),
            ("http:///path", .invalidURL),
            ("http://:80/", .invalidURL),
            ("http://example.com:0/", .invalidURL),
            ("http://example.com:65536/", .invalidURL),
            ("http://example.com:/", .invalidURL),
            ("http://example.com:8o/", .invalidURL),
            ("http://example.com\\@127.0.0.1/", .invalidURL),
            ("http://exa mple.com/", .invalidURL),
            (" http://example.com/", .invalidURL),
            ("http://example.com/\n", .invalidURL),
            ("http:example.com", .invalidURL),
            ("//example.com/", .invalidURL),
            ("example.com", .invalidURL),
            ("", .invalidURL),
            ("http://[::1/", .invalidURL),
            ("http://[::1]x/", .invalidURL),
            ("http://1.2.3.4.5/", .invalidURL),
        ]
    )
    func refuses(input: String, expected: EgressError) {
        // given / when / then
        #expect(throws: expected) { try Self.parse(input) }
    }

    @Test("a fragment cannot hide the real host")
    func fragmentDoesNotHideHost() throws {
        // given / when
        let url = try Self.parse("http://127.0.0.1#@example.com/")

        // then
        #expect(url.host == .address(IPAddress("127.0.0.1")!))
    }

    @Test(
        "redirect locations resolve against the current URL",
        arguments: [
            ("https://other.example/x", "https://other.example/x"),
            ("//cdn.example/img", "http://cdn.example/img"),
            ("/root?q=1", "http://example.com:8080/root?q=1"),
            ("sibling", "http://example.com:8080/dir/sibling"),
            ("../up", "http://example.com:8080/up"),
            ("?only=query", "http://example.com:8080/dir/page?only=query"),
            ("#frag", "http://example.com:8080/dir/page?a=1"),
            ("  /trimmed ", "http://example.com:8080/trimmed"),
        ]
    )
    func resolvesRedirects(location: String, expected: String) throws {
        // given
        let base = try Self.parse("http://example.com:8080/dir/page?a=1")

        // when
        let next = try base.resolving(location) { $0 == "http" || $0 == "https" }

        // then
        #expect(next.string == expected)
    }

    @Test("a relative redirect cannot smuggle a new host through backslashes")
    func backslashRedirectStaysOnHost() throws {
        // given
        let base = try Self.parse("http://example.com/a/b")

        // when
        let next = try base.resolving("\\\\evil.com/x") { $0 == "http" || $0 == "https" }

        // then
        #expect(next.host == .name("example.com"))
    }
}
