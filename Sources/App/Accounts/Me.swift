import Core
import Fluent
import Foundation
import Vapor

/// `GET /v1/auth/me`: who is signed in, in which workspace, on which plan.
struct Me: Content {
    struct UserInfo: Content {
        let id: UUID
        let email: String?
        let phone: String?
        let displayName: String
    }
    struct OrganizationInfo: Content {
        let id: UUID
        let name: String
        let role: String?
    }
    struct PlanInfo: Content {
        let id: String
        let name: String
    }
    let user: UserInfo
    let org: OrganizationInfo
    let plan: PlanInfo
    let isAdmin: Bool

    init(_ user: User, _ organization: Organization, plan: Plan, role: String?) {
        self.user = .init(id: user.id!, email: user.email, phone: user.phone, displayName: user.displayName)
        org = .init(id: organization.id!, name: organization.name, role: role)
        self.plan = .init(id: plan.id.rawValue, name: plan.name)
        isAdmin = user.isAdmin
    }

    /// The signed-in person with their role in the current workspace.
    static func load(_ current: CurrentUser, on database: any Database) async throws -> Me {
        let membership = try await Membership.query(on: database)
            .filter(\.$user.$id == current.user.id!).filter(\.$organization.$id == current.organization.id!).first()
        return Me(current.user, current.organization, plan: current.plan, role: membership?.role)
    }
}
