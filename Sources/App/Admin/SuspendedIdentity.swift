import Crypto
import Fluent
import Foundation

/// A suspension outlives the account that held it: when the only member of a suspended workspace deletes their
/// account, a digest of their sign-in email and phone is kept, and a new workspace made for either starts
/// suspended (it was a way out of every suspension: delete, sign in again, build). Only the digest is kept, never
/// the address, and it names the suspended workspace for the administrator who looks.
final class SuspendedIdentity: Model, @unchecked Sendable {
    static let schema = "suspended_identities"

    @ID(key: .id) var id: UUID?
    /// `SuspendedIdentity.digest` of a normalized email address or phone number.
    @Field(key: "identity_digest") var identityDigest: String
    /// The name of the workspace that was suspended, for the audit event of the new one.
    @Field(key: "organization_name") var organizationName: String
    @Field(key: "suspended_at") var suspendedAt: Date
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(identityDigest: String, organizationName: String, suspendedAt: Date) {
        self.identityDigest = identityDigest
        self.organizationName = organizationName
        self.suspendedAt = suspendedAt
    }

    /// SHA-256 of the sign-in email (lowercased) or E.164 phone number, with a label so the digest is of no use
    /// elsewhere.
    static func digest(_ identity: String) -> String {
        SHA256.hash(data: Data(("bmm-suspended-identity:" + identity.lowercased()).utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Keeps the person's identities when a suspended workspace goes with their account.
    static func remember(_ user: User, organization: Organization, on database: any Database) async throws {
        guard let suspendedAt = organization.suspendedAt else { return }
        for identity in [user.email, user.phone].compactMap({ $0 }) {
            let digest = Self.digest(identity)
            guard try await query(on: database).filter(\.$identityDigest == digest).first() == nil else { continue }
            try await SuspendedIdentity(identityDigest: digest, organizationName: organization.name, suspendedAt: suspendedAt).create(on: database)
        }
    }

    /// The suspension a new workspace for this email or phone inherits, if any.
    static func find(email: String?, phone: String?, on database: any Database) async throws -> SuspendedIdentity? {
        let digests = [email, phone].compactMap { $0 }.map(digest)
        guard !digests.isEmpty else { return nil }
        return try await query(on: database).filter(\.$identityDigest ~~ digests).first()
    }
}
