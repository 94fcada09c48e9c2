import Core
import Crypto
import Foundation

/// Seals secret values with AES-256-GCM. Every envelope names the key that sealed
/// it, carries a fresh random 96-bit nonce, and is bound by associated data to
/// its organization, server and key name, so a ciphertext copied onto another
/// server or key does not open.
///
/// Envelope: `v1.<keyID>.<base64(nonce ‖ ciphertext ‖ tag)>`.
struct SecretBox: Sendable {
    struct Binding: Sendable, Hashable {
        var organization: UUID
        var server: UUID
        var key: String

        var associatedData: Data {
            Data("bmm-secret|org=\(organization.uuidString.lowercased())|server=\(server.uuidString.lowercased())|key=\(key)".utf8)
        }
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        case malformed
        case unknownKey(String)
        case cannotOpen

        var description: String {
            switch self {
            case .malformed: "the stored secret is not a sealed envelope"
            case .unknownKey(let id): "the stored secret was sealed with key \(id), which is not configured"
            case .cannotOpen: "the stored secret does not open with its key (tampered, or bound to another server or name)"
            }
        }
    }

    /// Key bytes (SymmetricKey is not Sendable). `current` seals new values;
    /// `previous` opens envelopes sealed by older keys until `bmm secrets rotate`
    /// re-seals them.
    private let currentBytes: Data
    private let previousBytes: [Data]

    var current: SymmetricKey { SymmetricKey(data: currentBytes) }
    var previous: [SymmetricKey] { previousBytes.map { SymmetricKey(data: $0) } }

    init(current: SymmetricKey, previous: [SymmetricKey] = []) {
        currentBytes = current.withUnsafeBytes { Data($0) }
        previousBytes = previous.map { key in key.withUnsafeBytes { Data($0) } }
    }

    /// From base64 keys as configured (`BMM_ENCRYPTION_KEY`, `BMM_PREVIOUS_ENCRYPTION_KEYS`).
    init?(base64Current: String, base64Previous: [String] = []) {
        func key(_ text: String) -> SymmetricKey? {
            guard let data = Data(base64Encoded: text), data.count == 32 else { return nil }
            return SymmetricKey(data: data)
        }
        guard let current = key(base64Current) else { return nil }
        let previous = base64Previous.compactMap(key)
        guard previous.count == base64Previous.count else { return nil }
        self.init(current: current, previous: previous)
    }

    /// A short, non-secret name for a key: the first 8 hex digits of SHA-256 over it.
    static func keyID(_ key: SymmetricKey) -> String {
        let digest = key.withUnsafeBytes { SHA256.hash(data: Data($0)) }
        return Hex.encode(digest.prefix(4))
    }

    var currentKeyID: String { Self.keyID(current) }

    func seal(_ value: String, for binding: Binding) throws -> String {
        try seal(value, authenticating: binding.associatedData)
    }

    func open(_ envelope: String, for binding: Binding) throws -> String {
        try open(envelope, authenticating: binding.associatedData)
    }

    /// Sealed for another purpose than a stored secret (`FormSecretCarry`): `associatedData`
    /// names that purpose, so neither kind of envelope opens as the other.
    func seal(_ value: String, authenticating associatedData: Data) throws -> String {
        let box = try AES.GCM.seal(Data(value.utf8), using: current, nonce: AES.GCM.Nonce(), authenticating: associatedData)
        guard let combined = box.combined else { throw Failure.malformed }
        return "v1.\(currentKeyID).\(combined.base64EncodedString())"
    }

    func open(_ envelope: String, authenticating associatedData: Data) throws -> String {
        let parts = envelope.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let combined = Data(base64Encoded: String(parts[2])) else {
            throw Failure.malformed
        }
        let keyID = String(parts[1])
        guard let key = ([current] + previous).first(where: { Self.keyID($0) == keyID }) else {
            throw Failure.unknownKey(keyID)
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            let plain = try AES.GCM.open(box, using: key, authenticating: associatedData)
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw Failure.cannotOpen
        }
    }

    /// Whether `envelope` was sealed by an older key and should be re-sealed.
    func needsRotation(_ envelope: String) -> Bool {
        let parts = envelope.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 3 && String(parts[1]) != currentKeyID
    }
}
