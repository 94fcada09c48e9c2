import Core
import Fluent
import Foundation

/// Who reads which part of a workspace's audit log. Owners read all of it. A member reads the
/// events they caused: the rest holds other people's sign-ins, addresses and browsers, and the
/// owners' management of the workspace, which a member has no part in.
enum AuditVisibility {
    /// nil for an owner (everything); the member's own id otherwise.
    static func onlyActor(_ current: CurrentUser, on database: any Database) async throws -> UUID? {
        let role = try await Membership.query(on: database)
            .filter(\.$user.$id == current.user.id!).filter(\.$organization.$id == current.organization.id!)
            .first().flatMap { Membership.Role(rawValue: $0.role) }
        return role == .owner ? nil : current.user.id!
    }
}
