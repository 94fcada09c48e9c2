import Core
import Foundation
import Testing

/// A key-shaped sample per format, built at run time (see `fakeKey`).
struct SecretSample: Sendable, CustomTestStringConvertible {
    let patternID: String
    let key: String
    let redacted: String
    var testDescription: String { "\(patternID) \(redacted)" }
}

private let digits = "1234567890"

let secretSamples: [SecretSample] = [
    SecretSample(patternID: "anthropic-api-key", key: fakeKey(prefix: "sk-ant-api03-", length: 95), redacted: "sk-ant-…"),
    SecretSample(patternID: "anthropic-api-key", key: fakeKey(prefix: "sk-ant-admin01-", length: 95), redacted: "sk-ant-…"),
    SecretSample(patternID: "openai-project-key", key: fakeKey(prefix: "sk-proj-", length: 120), redacted: "sk-proj-…"),
    SecretSample(patternID: "openai-project-key", key: fakeKey(prefix: "sk-svcacct-", length: 80), redacted: "sk-svcacct-…"),
    SecretSample(patternID: "openai-project-key", key: fakeKey(prefix: "sk-admin-", length: 80), redacted: "sk-admin-…"),
    SecretSample(patternID: "openai-legacy-key", key: fakeKey(prefix: "sk-", length: 48), redacted: "sk-…"),
    SecretSample(patternID: "github-token", key: fakeKey(prefix: "ghp_", length: 36), redacted: "ghp_…"),
    SecretSample(patternID: "github-token", key: fakeKey(prefix: "gho_", length: 36), redacted: "gho_…"),
    SecretSample(patternID: "github-token", key: fakeKey(prefix: "ghu_", length: 36), redacted: "ghu_…"),
    SecretSample(patternID: "github-token", key: fakeKey(prefix: "ghs_", length: 36), redacted: "ghs_…"),
    SecretSample(patternID: "github-token", key: fakeKey(prefix: "ghr_", length: 36), redacted: "ghr_…"),
    SecretSample(
        patternID: "github-fine-grained-token", key: fakeKey(prefix: fakeKey(prefix: "github_pat_", length: 22) + "_", length: 59),
        redacted: "github_pat_…"
    ),
    SecretSample(patternID: "aws-access-key-id", key: fakeKey(prefix: "AKIA", length: 16, filler: "X"), redacted: "AKIA…"),
    SecretSample(patternID: "aws-access-key-id", key: fakeKey(prefix: "ASIA", length: 16, filler: "7"), redacted: "ASIA…"),
    // The shape of the example key id in the AWS documentation.
    SecretSample(patternID: "aws-access-key-id", key: "AKIA" + "IOSFODNN7" + "EXAMPLE", redacted: "AKIA…"),
    SecretSample(patternID: "google-api-key", key: fakeKey(prefix: "AIza", length: 35), redacted: "AIza…"),
    SecretSample(
        patternID: "slack-token", key: "xoxb-" + digits + "-" + digits + "-" + String(repeating: "x", count: 24), redacted: "xoxb-…"
    ),
    SecretSample(
        patternID: "slack-token", key: "xoxp-" + digits + "-" + digits + "-" + digits + "-" + String(repeating: "f", count: 32),
        redacted: "xoxp-…"
    ),
    SecretSample(patternID: "slack-token", key: "xoxa-2-" + String(repeating: "x", count: 40), redacted: "xoxa-…"),
    SecretSample(
        patternID: "slack-webhook",
        key: "https://hooks.slack.com/services/T" + String(repeating: "X", count: 8) + "/B" + String(repeating: "X", count: 8) + "/"
            + String(repeating: "x", count: 24),
        redacted: "https://hooks.slack.com/services/…"
    ),
    SecretSample(patternID: "stripe-key", key: fakeKey(prefix: "sk_live_", length: 24), redacted: "sk_live_…"),
    SecretSample(patternID: "stripe-key", key: fakeKey(prefix: "sk_test_", length: 99), redacted: "sk_test_…"),
    SecretSample(patternID: "stripe-key", key: fakeKey(prefix: "rk_live_", length: 30), redacted: "rk_live_…"),
    SecretSample(patternID: "stripe-key", key: fakeKey(prefix: "rk_test_", length: 30), redacted: "rk_test_…"),
    SecretSample(
        patternID: "jwt", key: fakeKey(prefix: "eyJ", length: 20) + "." + fakeKey(prefix: "eyJ", length: 30) + "." + fakeKey(prefix: "", length: 43),
        redacted: "eyJ…"
    ),
    SecretSample(patternID: "private-key", key: "-----BEGIN " + "PRIVATE KEY-----", redacted: "-----BEGIN …"),
    SecretSample(patternID: "private-key", key: "-----BEGIN " + "RSA PRIVATE KEY-----", redacted: "-----BEGIN …"),
    SecretSample(patternID: "private-key", key: "-----BEGIN " + "OPENSSH PRIVATE KEY-----", redacted: "-----BEGIN …"),
    SecretSample(patternID: "private-key", key: "-----BEGIN " + "PGP PRIVATE KEY BLOCK-----", redacted: "-----BEGIN …"),
]

/// Text that talks about credentials without containing one.
let harmlessProse: [String] = [
    "Keys start with sk- and are shown once.",
    "sk-ant- is the prefix of Anthropic keys.",
    "Paste your API key here.",
    "Set the token in the settings page.",
    "Your GitHub token starts with ghp_ followed by 36 characters.",
    "Authorization: Bearer <token>",
    "A JWT starts with eyJ, the base64 of {\"",
    "eyJhbGciOiJIUzI1NiJ9 is only a header.",
    "We use sk-learn and scikit-learn for the model.",
    "sk-proj- keys belong to one project.",
    "Open the sk-admin-panel-settings page.",
    "xoxb-your-token-here",
    "xoxb-1234-placeholder",
    "sk_live_ keys are for production, sk_test_ keys for testing.",
    "The access key id looks like AKIA followed by 16 characters.",
    "AIza is the prefix of Google API keys.",
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----",
    "Post to https://hooks.slack.com/services/… to notify a channel.",
    "Request id 123e4567-e89b-12d3-a456-426614174000",
    "Commit da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "SGVsbG8gV29ybGQhIFRoaXMgaXMgYmFzZTY0Lg==",
    "const task = 'task-ant-api03-' + suffix;",
    "ghp_" + String(repeating: "x", count: 35),
    "sk-" + String(repeating: "x", count: 47),
    "sk-" + String(repeating: "x", count: 49),
    "x" + "ghp_" + String(repeating: "x", count: 36),
    "AKIA" + String(repeating: "x", count: 16),
]

@Suite struct SecretScannerTests {
    @Test(arguments: secretSamples)
    func findsEveryFormatWithoutRevealingIt(_ sample: SecretSample) throws {
        // given
        let text = "const client = makeClient({\n  key: \"\(sample.key)\",\n});"
        // when
        let findings = SecretScanner.findings(in: text)
        // then
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.patternID == sample.patternID)
        #expect(finding.redacted == sample.redacted)
        #expect(finding.line == 2)
        #expect(text[finding.range] == sample.key)
        #expect(!finding.redacted.contains(String(sample.key.suffix(8))))
    }

    @Test(arguments: harmlessProse)
    func harmlessProseIsNotAFinding(_ text: String) {
        #expect(SecretScanner.findings(in: text) == [])
    }

    @Test func theRangeLeavesOutTheBoundaryCharacter() throws {
        // given
        let key = fakeKey(prefix: "ghp_", length: 36)
        let atStart = key + " is mine"
        let afterSpace = "token " + key
        // when
        let first = try #require(SecretScanner.findings(in: atStart).first)
        let second = try #require(SecretScanner.findings(in: afterSpace).first)
        // then
        #expect(first.range.lowerBound == atStart.startIndex)
        #expect(afterSpace[second.range] == key)
        #expect(afterSpace[afterSpace.startIndex..<second.range.lowerBound] == "token ")
    }

    @Test func findsSeveralInOrderWithLineNumbers() {
        // given
        let stripe = fakeKey(prefix: "sk_live_", length: 24)
        let github = fakeKey(prefix: "ghp_", length: 36)
        let text = "a = \(stripe)\n\n\nb = \(github) c = \(stripe)"
        // when
        let findings = SecretScanner.findings(in: text)
        // then
        #expect(findings.map(\.patternID) == ["stripe-key", "github-token", "stripe-key"])
        #expect(findings.map(\.line) == [1, 4, 4])
    }

    @Test func encodesOnlyIdLabelAndPattern() throws {
        // when
        let data = try JSONEncoder().encode(SecretPatterns.all)
        let decoded = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: String]])
        // then
        #expect(decoded.count == SecretPatterns.all.count)
        #expect(decoded.allSatisfy { Set($0.keys) == ["id", "label", "pattern"] })
        #expect(Set(SecretPatterns.all.map(\.id)).count == SecretPatterns.all.count)
    }
}

/// The patterns are served to browsers, which run them with `new RegExp(pattern)`.
@Suite struct SecretPatternPortabilityTests {
    @Test(arguments: SecretPatterns.all)
    func compilesInICUWithOneGroupAndNoEngineSpecificSyntax(_ pattern: SecretPattern) throws {
        // when
        let regex = try NSRegularExpression(pattern: pattern.pattern)
        // then
        #expect(regex.numberOfCaptureGroups == 1)
        #expect(!pattern.pattern.contains("(?<"), "lookbehind and named groups")
        #expect(pattern.pattern.range(of: #"\(\?[a-zA-Z^-]"#, options: .regularExpression) == nil, "inline flags")
        #expect(pattern.pattern.range(of: #"[*+?}]\+"#, options: .regularExpression) == nil, "possessive quantifiers")
        for escape in [#"\A"#, #"\z"#, #"\Z"#, #"\G"#, #"\d"#, #"\s"#, #"\w"#, #"\b"#, #"\p"#] {
            #expect(!pattern.pattern.contains(escape), "\(escape) is missing or means something else in JavaScript")
        }
    }

    /// Runs every pattern in Node (when it is installed) on every sample and every piece of
    /// prose, and expects exactly the matches ICU finds.
    @Test(.enabled(if: nodePath != nil))
    func javaScriptFindsWhatICUFinds() async throws {
        // given
        let texts = secretSamples.map { "key: \"\($0.key)\"" } + harmlessProse
        let input = try JSONSerialization.data(withJSONObject: ["patterns": SecretPatterns.all.map(\.pattern), "texts": texts])
        let script = """
            const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
            const out = input.patterns.map((p) => input.texts.map((t) => { const m = new RegExp(p).exec(t); return m ? m[1] : null; }));
            process.stdout.write(JSON.stringify(out));
            """
        // when
        let javaScript = try await runNode(script: script, input: input)
        let icu: [[String?]] = try SecretPatterns.all.map { pattern in
            let regex = try NSRegularExpression(pattern: pattern.pattern)
            return texts.map { text in
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
                    .flatMap { Range($0.range(at: 1), in: text) }
                    .map { String(text[$0]) }
            }
        }
        // then
        #expect(javaScript == icu)
        #expect(icu.joined().compactMap { $0 }.count >= secretSamples.count)
    }
}

private let nodePath: String? = (ProcessInfo.processInfo.environment["PATH"] ?? "")
    .split(separator: ":")
    .map { "\($0)/node" }
    .first { FileManager.default.isExecutableFile(atPath: $0) }

/// Waiting for node blocks a thread, so it happens on a Dispatch thread, not on one of Swift
/// concurrency's few threads that every other running test needs.
private func runNode(script: String, input: Data) async throws -> [[String?]] {
    let path = try #require(nodePath)
    let (status, output) = try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try blockingRunNode(path: path, script: script, input: input) })
        }
    }
    #expect(status == 0)
    return try JSONDecoder().decode([[String?]].self, from: output)
}

private func blockingRunNode(path: String, script: String, input: Data) throws -> (Int32, Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = ["-e", script]
    let stdin = Pipe()
    let stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    try process.run()
    stdin.fileHandleForWriting.write(input)
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
