import Core
import Crypto

/// The `Idempotency-Key` of a POST, derived from what the request does so that sending it again sends the same key.
///
/// `SHA-256(operation, each input, attempt)`, with a length prefix on every part so no two different lists of
/// inputs hash alike. Stripe answers a repeated key with the first request's stored answer for 24 hours, so a retry
/// after a timeout cannot create a second session or change a subscription twice; a caller that wants a genuinely
/// new request (after Stripe failed, or the user started over) passes a new `attempt`.
public struct IdempotencyKey: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(operation: String, inputs: [String], attempt: String) {
        var hasher = SHA256()
        for part in [operation] + inputs + [attempt] {
            let bytes = Array(part.utf8)
            hasher.update(data: Array(String(bytes.count).utf8) + [UInt8(ascii: ":")] + bytes)
        }
        self.value = "bmm_" + Hex.encode(Array(hasher.finalize()))
    }

    public var description: String { value }
}
