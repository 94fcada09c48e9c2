import Core
import Fluent
import Foundation

/// Where a sign-in event (a link or code requested, a failed attempt) is recorded.
///
/// An attempt on an address or number that has an account is about that person: it goes to the workspace their
/// sign-ins are recorded in (their first), with the account as its resource, so they see who tried and from where,
/// and deleting the account anonymises it. An attempt on one with no account belongs to no workspace (the platform
/// administrators' log); it carries a keyed hash of the address instead, so that the account made from it later
/// (the sign-up's own request) takes those events over. The hash is keyed with the server secret, so the log holds
/// nothing an address can be checked against.
struct SignInAudit: Sendable {
    static let addressResource = "sign_in_address"
    /// The actions recorded here.
    static let actions = ["auth.magic_link_requested", "auth.sms_code_requested", "auth.sign_in_failed"]

    let database: any Database
    let audit: AuditLog
    let secret: String

    /// `target`: the normalised email address or E.164 number the attempt named, when it named one.
    func record(_ action: String, target: String?, metadata: [String: String]) async throws {
        guard let target else {
            try await audit.record(action, metadata: metadata)
            return
        }
        if let account = try await Self.account(for: target, on: database) {
            try await audit.record(action, organization: account.organization, resourceType: "user",
                                   resourceID: account.user.uuidString, metadata: metadata)
        } else {
            try await audit.record(action, resourceType: Self.addressResource, resourceID: key(target), metadata: metadata)
        }
    }

    /// The new account made from `target` takes over the attempts recorded before it existed.
    func adopt(target: String, user: UUID, organization: UUID, on db: any Database) async throws {
        try await AuditEvent.query(on: db)
            .filter(\.$resourceType == Self.addressResource).filter(\.$resourceID == key(target))
            .set(\.$organizationID, to: organization).set(\.$resourceType, to: "user").set(\.$resourceID, to: user.uuidString)
            .update()
    }

    private func key(_ target: String) -> String {
        SecretToken.hmac("sign-in-audit:" + target, key: secret)
    }

    /// The account `target` signs in to and the workspace its sign-ins are recorded in, as `LoginService.signIn` picks it.
    static func account(for target: String, on db: any Database) async throws -> (user: UUID, organization: UUID)? {
        guard let user = try await User.query(on: db).group(.or, { $0.filter(\.$email == target).filter(\.$phone == target) }).first(),
              let membership = try await Membership.query(on: db).filter(\.$user.$id == user.requireID()).sort(\.$createdAt).first()
        else { return nil }
        return (try user.requireID(), membership.$organization.id)
    }
}
