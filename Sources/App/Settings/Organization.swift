import Core
import Fluent
import Foundation

final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "plan") var plan: String
    @OptionalField(key: "suspended_at") var suspendedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String, plan: PlanID) {
        self.name = name
        self.plan = plan.rawValue
    }

    var planID: PlanID { PlanID(rawValue: plan) ?? .hobby }
}
