@testable import App
import Core
import Testing

@Suite("What a forker is shown for a secret")
struct SecretHintTests {
    static let secret = RequiredSecret(key: "API_KEY", description: "The spec's words.", howToGetUrl: "https://example.com/spec-link")

    @Test("the publisher's hint wins, link included, even when they removed the link; without a hint the spec speaks")
    func shown() {
        #expect(SecretHint.shown(nil, for: Self.secret) == ("The spec's words.", "https://example.com/spec-link"))
        let withLink = SecretHint(description: "Ask the admin.", howToGetURL: "https://example.com/hint-link")
        #expect(SecretHint.shown(withLink, for: Self.secret) == ("Ask the admin.", "https://example.com/hint-link"))
        let linkRemoved = SecretHint(description: "Ask me by email, no link.", howToGetURL: nil)
        #expect(SecretHint.shown(linkRemoved, for: Self.secret) == ("Ask me by email, no link.", nil))
        let noWords = SecretHint(description: "", howToGetURL: nil)
        #expect(SecretHint.shown(noWords, for: Self.secret) == ("The spec's words.", nil))
    }
}
