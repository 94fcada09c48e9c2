import Billing
import Foundation
import Testing

/// Our verifier and signer against stripe-python's own webhook helpers (Tests/billing/stripe_signatures.py):
/// theirs signs, ours accepts; ours signs, theirs accepts; and both refuse the same bad deliveries.
/// `BMM_BILLING_PYTHON` names a Python with `stripe` installed (scripts/test makes one); without it the test is
/// skipped, unless `BMM_REQUIRE_STRIPE_PYTHON=1` makes that a failure.
@Suite("Stripe webhook signatures cross-checked with stripe-python")
struct StripePythonCrossCheckTests {
    static let secret = "whsec_crossCheck0123456789abcdefABCDEF"
    static let payloads = [
        #"{"id":"evt_1","object":"event","type":"invoice.paid","data":{"object":{"customer":"cus_1"}}}"#,
        #"{"id":"evt_2","object":"event","type":"customer.updated","data":{"object":{"name":"Zürich & Co — ✓"}}}"#,
        "{\n  \"id\": \"evt_3\",\n  \"object\": \"event\"\n}\n",
    ]

    @Test("a Python with stripe is configured when required")
    func pythonIsConfiguredWhenRequired() {
        if StripePython.required {
            #expect(
                StripePython.executable != nil,
                "BMM_REQUIRE_STRIPE_PYTHON=1 but BMM_BILLING_PYTHON does not name an executable (scripts/test sets it)")
        }
    }

    @Test(
        "both directions agree",
        .enabled(
            if: StripePython.executable != nil,
            "BMM_BILLING_PYTHON is not set (a Python with PyPI stripe, Tests/billing/requirements.txt); BMM_REQUIRE_STRIPE_PYTHON=1 makes that a failure"
        )
    )
    func crossCheck() async throws {
        // given timestamps near now (stripe-python checks its tolerance against the real clock)
        let now = Date()
        let t = Int(now.timeIntervalSince1970)
        let ours = StripeWebhookSigner(secret: Self.secret)
        let ourHeaders = Self.payloads.map { ours.header(payload: Array($0.utf8), timestamp: t) }
        let tampered = Self.payloads[0].replacingOccurrences(of: "cus_1", with: "cus_2")
        let stale = ours.header(payload: Array(Self.payloads[0].utf8), timestamp: t - 400)
        let wrongSecret = StripeWebhookSigner(secret: "whsec_other").header(payload: Array(Self.payloads[0].utf8), timestamp: t)
        let otherV1 = StripeWebhookSigner(secret: "whsec_other").signature(payload: Array(Self.payloads[1].utf8), timestamp: t)
        let rolled = "t=\(t),v1=\(otherV1),v1=\(ours.signature(payload: Array(Self.payloads[1].utf8), timestamp: t))"
        let job: [String: Any] = [
            "secret": Self.secret,
            "tolerance": 300,
            "sign": Self.payloads.map { ["payload": $0, "timestamp": t] as [String: Any] },
            "verify": zip(Self.payloads, ourHeaders).map { ["payload": $0, "header": $1] }
                + [
                    ["payload": tampered, "header": ourHeaders[0]],
                    ["payload": Self.payloads[0], "header": stale],
                    ["payload": Self.payloads[0], "header": wrongSecret],
                    ["payload": Self.payloads[1], "header": rolled],
                ],
        ]
        // when stripe-python signs our payloads and verifies our headers
        let result = try await StripePython.run(job)
        // then theirs signed exactly as ours does, and ours accepts every header they made
        let theirHeaders = try #require(result["signed"] as? [String])
        #expect(theirHeaders == ourHeaders)
        let verifier = StripeWebhookVerifier(secret: Self.secret)
        for (payload, header) in zip(Self.payloads, theirHeaders) {
            #expect(throws: Never.self) { try verifier.verify(payload: Array(payload.utf8), header: header, now: now) }
        }
        // and theirs accepts ours, refuses what ours refuses, and accepts a rolled secret's pair as ours does
        let verified = try #require(result["verified"] as? [Any])
        #expect(verified.count == 7)
        for index in 0..<3 { #expect(verified[index] is NSNull, "payload \(index): \(verified[index])") }
        for index in 3..<6 { #expect(verified[index] is String, "case \(index) accepted by stripe-python") }
        #expect(verified[6] is NSNull)
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try verifier.verify(payload: Array(tampered.utf8), header: ourHeaders[0], now: now)
        }
        #expect(throws: StripeWebhookError.timestampOutsideTolerance) {
            try verifier.verify(payload: Array(Self.payloads[0].utf8), header: stale, now: now)
        }
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try verifier.verify(payload: Array(Self.payloads[0].utf8), header: wrongSecret, now: now)
        }
        try verifier.verify(payload: Array(Self.payloads[1].utf8), header: rolled, now: now)
        #expect((result["stripe_version"] as? String)?.isEmpty == false)
    }
}

enum StripePython {
    static let required = ProcessInfo.processInfo.environment["BMM_REQUIRE_STRIPE_PYTHON"] == "1"

    static let executable: URL? = {
        guard let path = ProcessInfo.processInfo.environment["BMM_BILLING_PYTHON"], !path.isEmpty,
            FileManager.default.isExecutableFile(atPath: path)
        else { return nil }
        return URL(fileURLWithPath: path)
    }()

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("billing/stripe_signatures.py")

    /// Runs the script with `job` on stdin. Waiting for Python blocks a thread, so it happens on a Dispatch thread:
    /// blocking one of Swift concurrency's few threads (two on a 2-core machine) stalls every test beside this one.
    static func run(_ job: [String: Any]) async throws -> [String: Any] {
        let input = try JSONSerialization.data(withJSONObject: job)
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try blockingRun(input) })
            }
        }
    }

    private static func blockingRun(_ input: Data) throws -> [String: Any] {
        guard let python = executable else { throw Failure(message: "no BMM_BILLING_PYTHON") }
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        // The answer is small; reading stderr after stdout cannot fill a pipe first.
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let result = try JSONSerialization.jsonObject(with: output) as? [String: Any]
        else { throw Failure(message: "stripe_signatures.py failed: \(errors)") }
        return result
    }

    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
