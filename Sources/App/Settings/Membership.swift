import Core
import Fluent
import Foundation

final class Membership: Model, @unchecked Sendable {
    static let schema = "memberships"

    typealias Role = WorkspaceRole

    @ID(key: .id) var id: UUID?
    @Parent(key: "user_id") var user: User
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "role") var role: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(userID: UUID, organizationID: UUID, role: Role) {
        self.$user.id = userID
        self.$organization.id = organizationID
        self.role = role.rawValue
    }
}

extension Membership {
    static func exists(user: UUID, organization: UUID, on database: any Database) async throws -> Bool {
        try await Membership.query(on: database).filter(\.$user.$id == user).filter(\.$organization.$id == organization).count() > 0
    }
}
