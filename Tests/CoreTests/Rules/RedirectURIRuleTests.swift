import Core
import Testing

@Suite("OAuth redirect URIs")
struct RedirectURIRuleTests {
    @Test("clients may register https, loopback http and private-use schemes", arguments: [
        "https://app.example.com/callback", "http://127.0.0.1:33418/cb", "http://localhost/cb", "http://LOCALHOST:8080/cb", "http://[::1]:8080/cb",
        "cursor://anysphere.cursor-retrieval/oauth/callback", "com.example.app:/oauth",
    ])
    func accepted(uri: String) {
        #expect(RedirectURIRule.problem(uri) == nil)
    }

    @Test("and nothing else", arguments: [
        "javascript:alert(1)", "data:text/html,hi", "http://app.example.com/cb", "https://app.example.com/cb#frag",
        "/relative/cb", "https:///nohost",
    ])
    func refused(uri: String) {
        #expect(RedirectURIRule.problem(uri) != nil)
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
