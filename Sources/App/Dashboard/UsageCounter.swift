import Fluent
import Foundation

/// How many drafts or builds an organization used on one UTC day; quotas and the
/// overview chart read these.
final class UsageCounter: Model, @unchecked Sendable {
    static let schema = "usage_counters"

    enum Kind: String, CaseIterable, Sendable {
        case draft, build
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "organization_id") var organization: Organization
    /// `YYYY-MM-DD` in UTC.
    @Field(key: "day") var day: String
    @Field(key: "kind") var kind: String
    @Field(key: "count") var count: Int

    init() {}
}
