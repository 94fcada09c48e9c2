import Core
import Fluent
import Foundation

final class Organization: Model, @unchecked Sendable {
    static let schema = "organizations"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    /// The plan Stripe confirmed (Hobby until a subscription is paid). Read through `PlanPolicy`, which applies
    /// the override and billing-off default.
    @Field(key: "plan") var plan: String
    @OptionalField(key: "suspended_at") var suspendedAt: Date?
    /// An administrator's manual plan (audited); wins over Stripe and over the billing-off default.
    @OptionalField(key: "plan_override") var planOverride: String?
    /// Set after the third failed renewal payment: no new servers or builds until a payment succeeds.
    @OptionalField(key: "billing_suspended_at") var billingSuspendedAt: Date?
    /// Start of the current quota period (the last paid renewal); `nil` means the calendar month.
    @OptionalField(key: "quota_period_start") var quotaPeriodStart: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(name: String, plan: PlanID) {
        self.name = name
        self.plan = plan.rawValue
    }

    var planID: PlanID { PlanID(rawValue: plan) ?? .hobby }
}
