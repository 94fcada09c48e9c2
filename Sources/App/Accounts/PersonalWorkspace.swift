import Fluent
import Foundation

/// The workspace everyone has to stand in: made at sign-up, and again for someone
/// who no longer belongs to any (removed from their last one), instead of failing.
enum PersonalWorkspace {
    static func create(for user: User, named name: String, on database: any Database) async throws -> Organization {
        let organization = Organization(name: "\(name)\u{2019}s workspace", plan: .hobby)
        try await organization.create(on: database)
        try await Membership(userID: user.id!, organizationID: organization.id!, role: .owner).create(on: database)
        return organization
    }

    /// A workspace the person belongs to: their oldest membership's, or a new personal one.
    static func any(for user: User, on database: any Database) async throws -> Organization {
        if let membership = try await Membership.query(on: database).filter(\.$user.$id == user.id!)
            .sort(\.$createdAt).with(\.$organization).first() {
            return membership.organization
        }
        return try await create(for: user, named: user.displayName, on: database)
    }
}
