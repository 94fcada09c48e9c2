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
