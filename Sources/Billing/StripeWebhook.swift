import Core
import Crypto
import Foundation

/// Why a webhook delivery was not accepted as coming from Stripe. No case carries the secret, the header or the body.
public enum StripeWebhookError: Error, Equatable, Sendable, CustomStringConvertible {
    case missingHeader
    /// No `t=` with a whole number of seconds.
    case malformedHeader
    /// The header has no `v1=` signature (a `v0` test signature alone is not enough).
    case noV1Signature
    /// A signature matched but `t` is more than the tolerance away from now, in either direction: a replay or a
    /// clock far off.
    case timestampOutsideTolerance
    /// No `v1` signature matches the body with this endpoint's secret.
    case noMatchingSignature
    /// Signed correctly but not an event envelope.
    case malformedEvent
    /// A thin event (`"object": "v2.core.event"`): it names the changed object without its state, and the app
    /// reads the state from snapshot events.
    case thinEvent
    /// The verifier has no endpoint secret: with an empty key anyone could sign, so nothing is accepted.
    case missingSecret

    public var description: String {
        switch self {
        case .missingHeader: "Stripe webhook: no Stripe-Signature header"
        case .malformedHeader: "Stripe webhook: malformed Stripe-Signature header"
        case .noV1Signature: "Stripe webhook: no v1 signature in the header"
        case .timestampOutsideTolerance: "Stripe webhook: timestamp outside the tolerance"
        case .noMatchingSignature: "Stripe webhook: no signature matches"
        case .malformedEvent: "Stripe webhook: the body is not an event"
        case .thinEvent: "Stripe webhook: a thin event (v2.core.event), not a snapshot event"
        case .missingSecret: "Stripe webhook: no endpoint secret configured"
        }
    }
}

/// Checks `Stripe-Signature: t=<unix time>,v1=<hex>[,v1=<hex>…][,v0=…]` as Stripe documents it: HMAC-SHA256 of
/// `"<t>.<raw body>"` keyed with the endpoint secret (`whsec_…` as is, its UTF-8 bytes), any matching `v1` accepted
/// (Stripe sends several while a secret is being rolled), compared in constant time, and `t` within the tolerance of
/// `now`. Verify the raw bytes as received: any re-encoding of the JSON changes the signature.
public struct StripeWebhookVerifier: Sendable {
    public static let defaultTolerance = 300

    private let secret: [UInt8]
    private let tolerance: Int

    public init(secret: String, tolerance: Int = StripeWebhookVerifier.defaultTolerance) {
        self.secret = Array(secret.utf8)
        self.tolerance = tolerance
    }

    public func verify(payload: some Collection<UInt8>, header: String?, now: Date) throws(StripeWebhookError) {
        guard !secret.allSatisfy({ $0 == UInt8(ascii: " ") }) else { throw .missingSecret }
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { throw .missingHeader }
        let parsed = try SignatureHeader(header)
        guard !parsed.v1.isEmpty else { throw .noV1Signature }
        let signed = Array("\(parsed.timestamp).".utf8) + Array(payload)
        let key = SymmetricKey(data: secret)
        // isValidAuthenticationCode compares in constant time.
        let matches = parsed.v1.contains { candidate in
            guard let bytes = Hex.decode(candidate), bytes.count == SHA256.byteCount else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: signed, using: key)
        }
        guard matches else { throw .noMatchingSignature }
        guard abs(Int(now.timeIntervalSince1970.rounded(.down)) - parsed.timestamp) <= tolerance else {
            throw .timestampOutsideTolerance
        }
    }

    /// Verifies, then decodes the event.
    public func event(payload: [UInt8], header: String?, now: Date) throws(StripeWebhookError) -> StripeEvent {
        try verify(payload: payload, header: header, now: now)
        return try StripeEvent.decode(payload)
    }
}

/// Produces the header Stripe would send, for tests and a local Stripe-compatible server.
public struct StripeWebhookSigner: Sendable {
    private let secret: [UInt8]

    public init(secret: String) {
        self.secret = Array(secret.utf8)
    }

    public func signature(payload: some Collection<UInt8>, timestamp: Int) -> String {
        let signed = Array("\(timestamp).".utf8) + Array(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret))
        return Hex.encode(Array(mac))
    }

    /// `t=<timestamp>,v1=<hex>`.
    public func header(payload: some Collection<UInt8>, timestamp: Int) -> String {
        "t=\(timestamp),v1=\(signature(payload: payload, timestamp: timestamp))"
    }
}

private struct SignatureHeader {
    var timestamp: Int
    var v1: [String] = []

    init(_ header: String) throws(StripeWebhookError) {
        var timestamp: Int?
        for part in header.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // Stripe's own libraries skip a part that is not `name=value`, as they skip unknown schemes.
            guard pair.count == 2 else { continue }
            let name = pair[0].trimmingCharacters(in: .whitespaces)
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            switch name {
            case "t" where timestamp == nil:
                guard !value.isEmpty, value.utf8.allSatisfy({ (48...57).contains($0) }), let seconds = Int(value) else {
                    throw .malformedHeader
                }
                timestamp = seconds
            case "v1":
                v1.append(value)
            default:
                continue
            }
        }
        guard let timestamp else { throw .malformedHeader }
        self.timestamp = timestamp
    }
}
