import Core
import Testing

@Suite("OAuth redirect URIs")
struct RedirectURIRuleTests {
    @Test("clients may register https and loopback http", arguments: [
        "https://app.example.com/callback", "http://127.0.0.1:33418/cb", "http://localhost/cb", "http://LOCALHOST:8080/cb", "http://[::1]:8080/cb",
    ])
    func accepted(uri: String) {
        #expect(RedirectURIRule.problem(uri) == nil)
    }

    @Test("and nothing else: the MCP authorization spec's \"MUST be either localhost or use HTTPS\"", arguments: [
        "javascript:alert(1)", "data:text/html,hi", "http://app.example.com/cb", "https://app.example.com/cb#frag",
        "/relative/cb", "https:///nohost", "cursor://anysphere.cursor-retrieval/oauth/callback", "com.example.app:/oauth",
        "not-a-domain:/cb", "https+x://evil.example/cb",
        // hosts that a browser decodes into another than the one shown, or that hide behind a user name
        "https://аррӏе.com/cb", "https://evil.example%E3%80%82good.example/cb", "https://good.example%40evil.example/cb",
        "https://good.example@evil.example/cb", "http://localhost:8427\\@127.0.0.1/cb", "https://evil.example\\@good.example/cb",
        "https://-bad.example/cb", "https://a..b.example/cb", "https://under_score.example/cb",
    ])
    func refused(uri: String) {
        #expect(RedirectURIRule.problem(uri) != nil)
    }

    @Test("an internationalized host in its xn-- form, an IP literal and a trailing dot are plain hosts; the host shown is as written", arguments: [
        ("https://xn--80ak6aa92e.com/cb", "xn--80ak6aa92e.com"), ("https://app.example.com./cb", "app.example.com."),
        ("http://[::1]:8080/cb", "[::1]"), ("http://127.0.0.1:33418/cb", "127.0.0.1"), ("https://App.Example.com:8443?x", "App.Example.com"),
    ])
    func plainHosts(uri: String, host: String) {
        #expect(RedirectURIRule.problem(uri) == nil)
        #expect(RedirectURIRule.writtenHost(uri) == host)
    }

    @Test("a native app's private-use scheme only when the operator allows that scheme")
    func appSchemes() {
        #expect(RedirectURIRule.problem("cursor://anysphere.cursor-retrieval/oauth/callback", appSchemes: ["cursor"]) == nil)
        #expect(RedirectURIRule.problem("CURSOR://anysphere.cursor-retrieval/oauth/callback", appSchemes: ["cursor"]) == nil)
        #expect(RedirectURIRule.problem("com.example.app:/oauth", appSchemes: ["cursor"]) != nil)
        #expect(RedirectURIRule.problem("javascript:alert(1)", appSchemes: ["javascript"]) != nil, "a browser scheme stays refused")
        #expect(RedirectURIRule.isAppScheme("com.example.app"))
        for scheme in ["https", "http", "javascript", "data", "1abc", "a b", ""] {
            #expect(!RedirectURIRule.isAppScheme(scheme), "\(scheme)")
        }
    }

    @Test("matching is exact, except the port of a loopback address", arguments: [
        ("https://app.example.com/cb", true),
        ("https://app.example.com/cb/", false),
        ("https://app.example.com/cb?x=1", false),
        ("http://127.0.0.1:51234/cb", true),
        ("http://127.0.0.1:51234/other", false),
        ("http://localhost:51234/cb", false),
    ])
    func matching(requested: String, matches: Bool) {
        let registered = ["https://app.example.com/cb", "http://127.0.0.1/cb"]
        #expect(RedirectURIRule.matches(requested, registered: registered) == matches)
    }
}
