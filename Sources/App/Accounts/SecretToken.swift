import Core
import Crypto
import Foundation

/// The stored forms of secrets (new ones come from `AppRandom`).
enum SecretToken {
    static func sha256(_ text: String) -> String {
        Hex.encode(SHA256.hash(data: Data(text.utf8)))
    }

    /// Keyed hash for short secrets (SMS codes): without the server key, a leaked
    /// table cannot be brute-forced over the million possible codes.
    static func hmac(_ text: String, key: String) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(key.utf8))))
    }

    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
