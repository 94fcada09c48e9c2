import Crypto
import Foundation

/// A short-lived permission to fork one version of a template, given to one person.
/// It is a signed token rather than a row: any app instance that shares the session
/// secret checks it without a lookup. HMAC-SHA256 with a key derived (HKDF) from the
/// session secret covers every field, so changing the user, template, version or
/// expiry breaks it; a copy used by someone else fails the user check.
///
/// Form: `fr1.<base64url(user|template|version|expiry|nonce)>.<base64url(mac)>`.
struct ForkReference: Sendable, Equatable {
    static let lifetime: TimeInterval = 5 * 60

    let user: UUID
    let template: UUID
    let version: UUID
    /// Whole seconds since 1970, as signed.
    let expiresAt: Date
    let nonce: String
}

/// Issues and checks fork references with the key derived from the session secret.
struct ForkReferenceSigner: Sendable {
    enum Failure: Error, Equatable {
        /// Not a fork reference at all (400).
        case malformed
        /// Signed by another key, altered, or made for someone else (409).
        case mismatch
        /// Genuine, but older than its five minutes (410).
        case expired
    }

    private let keyBytes: Data

    init(sessionSecret: String) {
        let key = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(sessionSecret.utf8)),
                                         salt: Data("bmm".utf8), info: Data("fork-reference v1".utf8), outputByteCount: 32)
        keyBytes = key.withUnsafeBytes { Data($0) }
    }

    func issue(user: UUID, template: UUID, version: UUID, now: Date, nonce: String) -> (token: String, reference: ForkReference) {
        let expiry = Date(timeIntervalSince1970: (now.timeIntervalSince1970 + ForkReference.lifetime).rounded(.down))
        let reference = ForkReference(user: user, template: template, version: version, expiresAt: expiry, nonce: nonce)
        let payload = Data(Self.payload(reference).utf8)
        let mac = Data(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: keyBytes)))
        return ("fr1." + Self.base64URL(payload) + "." + Self.base64URL(mac), reference)
    }

    /// The reference `token` carries, if it is genuine, `user`'s and not expired.
    /// The reference `token` carries if it is genuine, `user`'s, and not expired more than `grace` ago.
    func verify(_ token: String, user: UUID, now: Date, grace: TimeInterval = 0) throws(Failure) -> ForkReference {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 400, parts.count == 3, parts[0] == "fr1",
              let payload = Self.data(base64URL: parts[1]), let mac = Self.data(base64URL: parts[2]),
              let reference = Self.reference(String(decoding: payload, as: UTF8.self))
        else { throw .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: SymmetricKey(data: keyBytes)),
              reference.user == user
        else { throw .mismatch }
        guard now < reference.expiresAt.addingTimeInterval(grace) else { throw .expired }
        return reference
    }

    private static func payload(_ reference: ForkReference) -> String {
        [reference.user.uuidString.lowercased(), reference.template.uuidString.lowercased(), reference.version.uuidString.lowercased(),
         String(Int64(reference.expiresAt.timeIntervalSince1970)), reference.nonce].joined(separator: "|")
    }

    private static func reference(_ payload: String) -> ForkReference? {
        let fields = payload.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 5, let user = UUID(uuidString: fields[0]), let template = UUID(uuidString: fields[1]),
              let version = UUID(uuidString: fields[2]), let seconds = Int64(fields[3])
        else { return nil }
        return ForkReference(user: user, template: template, version: version,
                             expiresAt: Date(timeIntervalSince1970: TimeInterval(seconds)), nonce: fields[4])
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func data(base64URL text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
