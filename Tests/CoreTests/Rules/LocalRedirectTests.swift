import Core
import Testing

@Suite("Where sign-in continues (next=)")
struct LocalRedirectTests {
    @Test("local paths are kept", arguments: ["/servers", "/oauth/authorize?client_id=a&state=b", "/docs/quickstart#install", "/"])
    func kept(path: String) {
        #expect(LocalRedirect.target(path, fallback: "/dashboard") == path)
    }

    @Test("anything that could leave the site falls back", arguments: [
        "https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "servers",
        "/servers\r\nSet-Cookie: a=b", "/a\tb", "/a b", "/a\u{0}b", "/a\u{2028}b", "",
    ])
    func refused(candidate: String) {
        #expect(LocalRedirect.target(candidate, fallback: "/dashboard") == "/dashboard")
    }

    @Test("characters outside ASCII are percent-encoded, so the Location header stays ASCII")
    func nonASCII() {
        #expect(LocalRedirect.target("/\u{3002}evil.com", fallback: "/dashboard") == "/%E3%80%82evil.com")
        #expect(LocalRedirect.target("/docs/café?q=ü", fallback: "/dashboard") == "/docs/caf%C3%A9?q=%C3%BC")
    }

    @Test("no candidate falls back")
    func missing() {
        #expect(LocalRedirect.target(nil, fallback: "/dashboard") == "/dashboard")
    }
}
