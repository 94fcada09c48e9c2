/// A credential format the platform refuses to store in specs and code. The app serves
/// `SecretPatterns.all` as JSON, and the browser checks text with `new RegExp(pattern)`
/// before sending it, so every `pattern` is written in the syntax ICU and JavaScript share:
/// no lookbehind, no inline flags, no possessive quantifiers, no `\A`/`\z`, no `\d`/`\s`
/// (whose meaning differs), and letters of both cases spelt out.
///
/// Capture group 1 is the credential itself. The group exists because the leading boundary
/// `(?:^|[^A-Za-z0-9_-])` consumes a character when there is no lookbehind to use.
public struct SecretPattern: Sendable, Hashable, Encodable {
    public var id: String
    public var label: String
    public var pattern: String
    /// The fixed prefixes of the format; a finding shows only the one it starts with.
    var visiblePrefixes: [String]

    private enum CodingKeys: String, CodingKey {
        case id, label, pattern
    }
}

public enum SecretPatterns {
    /// Not preceded by a character that could be part of a longer token.
    private static let start = "(?:^|[^A-Za-z0-9_-])"
    /// Not followed by one; used where a format has a fixed length.
    private static let end = "(?![A-Za-z0-9_-])"

    public static let all: [SecretPattern] = [
        SecretPattern(
            id: "anthropic-api-key", label: "Anthropic API key",
            pattern: start + "(sk-ant-[a-z]{2,10}[0-9]{2}-[A-Za-z0-9_-]{32,})",
            visiblePrefixes: ["sk-ant-"]
        ),
        SecretPattern(
            id: "openai-project-key", label: "OpenAI API key",
            pattern: start + "(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{40,})",
            visiblePrefixes: ["sk-proj-", "sk-svcacct-", "sk-admin-"]
        ),
        SecretPattern(
            id: "openai-legacy-key", label: "OpenAI API key",
            pattern: start + "(sk-[A-Za-z0-9]{48})" + end,
            visiblePrefixes: ["sk-"]
        ),
        SecretPattern(
            id: "github-token", label: "GitHub token",
            pattern: start + "(gh[pousr]_[A-Za-z0-9]{36})" + end,
            visiblePrefixes: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"]
        ),
        SecretPattern(
            id: "github-fine-grained-token", label: "GitHub fine-grained token",
            pattern: start + "(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})" + end,
            visiblePrefixes: ["github_pat_"]
        ),
        SecretPattern(
            id: "aws-access-key-id", label: "AWS access key ID",
            pattern: start + "((?:AKIA|ASIA)[A-Z0-9]{16})" + end,
            visiblePrefixes: ["AKIA", "ASIA"]
        ),
        SecretPattern(
            id: "google-api-key", label: "Google API key",
            pattern: start + "(AIza[A-Za-z0-9_-]{35})" + end,
            visiblePrefixes: ["AIza"]
        ),
        SecretPattern(
            id: "slack-token", label: "Slack token",
            pattern: start + "(xox[abprs]-[0-9]+-(?:[A-Za-z0-9]+-){0,3}[A-Za-z0-9]{16,})" + end,
            visiblePrefixes: ["xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"]
        ),
        SecretPattern(
            id: "slack-webhook", label: "Slack webhook URL",
            pattern: "(https://hooks[.]slack[.]com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})",
            visiblePrefixes: ["https://hooks.slack.com/services/"]
        ),
        SecretPattern(
            id: "stripe-key", label: "Stripe API key",
            pattern: start + "((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{24,})",
            visiblePrefixes: ["sk_live_", "sk_test_", "rk_live_", "rk_test_"]
        ),
        SecretPattern(
            id: "jwt", label: "JSON Web Token",
            pattern: start + "(eyJ[A-Za-z0-9_-]{10,}[.][A-Za-z0-9_-]{10,}[.][A-Za-z0-9_-]{16,})",
            visiblePrefixes: ["eyJ"]
        ),
        SecretPattern(
            id: "private-key", label: "private key",
            pattern: "(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)",
            visiblePrefixes: ["-----BEGIN "]
        ),
    ]

    /// `all`, compiled once.
    static let compiled: [(pattern: SecretPattern, regex: CompiledRegex)] = all.map {
        ($0, CompiledRegex(trusted: $0.pattern))
    }
}
