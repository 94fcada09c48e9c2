import Billing
import Crypto
import Foundation
import Testing

@Suite("Stripe webhook signatures")
struct StripeWebhookTests {
    static let secret = "whsec_test_5f1c0b7e9a2d4c6e8f0a1b3c5d7e9f1a"
    static let payload = Array(#"{"id":"evt_1","object":"event","type":"invoice.paid","created":1764460800}"#.utf8)
    static let now = Date(timeIntervalSince1970: 1_764_460_900)
    static let timestamp = 1_764_460_800

    let verifier = StripeWebhookVerifier(secret: secret)
    let signer = StripeWebhookSigner(secret: secret)

    @Test("the signature is HMAC-SHA256 of \"t.body\" with the secret's bytes, in lowercase hex")
    func knownVector() {
        // given the documented construction computed independently
        let mac = HMAC<SHA256>.authenticationCode(
            for: Array("\(Self.timestamp).".utf8) + Self.payload, using: SymmetricKey(data: Array(Self.secret.utf8)))
        let expected = mac.map { String(format: "%02x", $0) }.joined()
        // then the signer produces it and the header has Stripe's layout
        #expect(signer.signature(payload: Self.payload, timestamp: Self.timestamp) == expected)
        #expect(signer.header(payload: Self.payload, timestamp: Self.timestamp) == "t=\(Self.timestamp),v1=\(expected)")
    }

    @Test("a correctly signed body is accepted")
    func accepted() throws {
        let header = signer.header(payload: Self.payload, timestamp: Self.timestamp)
        try verifier.verify(payload: Self.payload, header: header, now: Self.now)
    }

    @Test("any matching v1 is accepted (a rolled secret), and v0 is ignored")
    func multipleSignatures() throws {
        // given a header with a v0, a signature from another secret and then the right one
        let old = StripeWebhookSigner(secret: "whsec_old").signature(payload: Self.payload, timestamp: Self.timestamp)
        let right = signer.signature(payload: Self.payload, timestamp: Self.timestamp)
        let header = "t=\(Self.timestamp),v0=\(String(repeating: "0", count: 64)),v1=\(old), v1=\(right)"
        // then it is accepted
        try verifier.verify(payload: Self.payload, header: header, now: Self.now)
        // and the old secret's verifier accepts it too
        try StripeWebhookVerifier(secret: "whsec_old").verify(payload: Self.payload, header: header, now: Self.now)
    }

    @Test("the timestamp must be within 300 s of now, in both directions")
    func tolerance() throws {
        let header = signer.header(payload: Self.payload, timestamp: Self.timestamp)
        let at = { (offset: Int) in Date(timeIntervalSince1970: TimeInterval(Self.timestamp + offset)) }
        try verifier.verify(payload: Self.payload, header: header, now: at(300))
        try verifier.verify(payload: Self.payload, header: header, now: at(-300))
        #expect(throws: StripeWebhookError.timestampOutsideTolerance) {
            try verifier.verify(payload: Self.payload, header: header, now: at(301))
        }
        #expect(throws: StripeWebhookError.timestampOutsideTolerance) {
            try verifier.verify(payload: Self.payload, header: header, now: at(-301))
        }
    }

    @Test("a wrong secret, a tampered body or a tampered timestamp match no signature")
    func mismatches() {
        let header = signer.header(payload: Self.payload, timestamp: Self.timestamp)
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try StripeWebhookVerifier(secret: "whsec_other").verify(payload: Self.payload, header: header, now: Self.now)
        }
        var tampered = Self.payload
        tampered[tampered.count - 2] = UInt8(ascii: "1")
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try verifier.verify(payload: tampered, header: header, now: Self.now)
        }
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try verifier.verify(payload: Self.payload + [UInt8(ascii: " ")], header: header, now: Self.now)
        }
        let moved = header.replacingOccurrences(of: "t=\(Self.timestamp)", with: "t=\(Self.timestamp + 1)")
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try verifier.verify(payload: Self.payload, header: moved, now: Self.now)
        }
        // A part that is not name=value is skipped, as Stripe's libraries do: the signature still counts.
        #expect(throws: Never.self) { try verifier.verify(payload: Self.payload, header: "garbage," + header + ",v0=ab", now: Self.now) }
        let truncated = String(header.dropLast(2))
        #expect(throws: StripeWebhookError.noMatchingSignature) {
            try verifier.verify(payload: Self.payload, header: truncated, now: Self.now)
        }
    }

    @Test(
        "missing and malformed headers are told apart",
        arguments: [
            (nil as String?, StripeWebhookError.missingHeader),
            ("", .missingHeader),
            ("v1=abc", .malformedHeader),
            ("t=abc,v1=00", .malformedHeader),
            ("t=-5,v1=00", .malformedHeader),
            ("t=1764460800,garbage", .noV1Signature),
            ("t=1764460800", .noV1Signature),
            ("t=1764460800,v0=abcd", .noV1Signature),
            ("t=1764460800,v1=zz", .noMatchingSignature),
        ]
    )
    func malformed(header: String?, expected: StripeWebhookError) {
        #expect(throws: expected) { try verifier.verify(payload: Self.payload, header: header, now: Self.now) }
    }

    @Test("an empty endpoint secret accepts nothing, not even a body signed with the empty key")
    func emptySecret() {
        for secret in ["", "   "] {
            let header = StripeWebhookSigner(secret: secret).header(payload: Self.payload, timestamp: Self.timestamp)
            #expect(throws: StripeWebhookError.missingSecret) {
                try StripeWebhookVerifier(secret: secret).verify(payload: Self.payload, header: header, now: Self.now)
            }
        }
    }

    @Test("errors name neither the secret nor the signature")
    func safeErrors() {
        let header = StripeWebhookSigner(secret: "whsec_other").header(payload: Self.payload, timestamp: Self.timestamp)
        do {
            try verifier.verify(payload: Self.payload, header: header, now: Self.now)
            Issue.record("accepted")
        } catch {
            let shown = String(describing: error) + String(reflecting: error)
            #expect(!shown.contains(Self.secret) && !shown.contains(String(header.suffix(64))))
        }
    }

    @Test("verification is over the raw bytes, so a body that is not UTF-8 still verifies byte for byte")
    func rawBytes() throws {
        let bytes: [UInt8] = [0x7B, 0xFF, 0xFE, 0x7D]
        let header = signer.header(payload: bytes, timestamp: Self.timestamp)
        try verifier.verify(payload: bytes, header: header, now: Self.now)
    }
}
