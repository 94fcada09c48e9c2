import Fluent
import Foundation

/// A Stripe webhook event that was applied (see `CreateStripeEvents`).
final class StripeEventRecord: Model, @unchecked Sendable {
    static let schema = "stripe_events"

    /// Stripe's `evt_…`.
    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "type") var type: String
    @Field(key: "created") var created: Int64
    @Field(key: "received_at") var receivedAt: Date

    init() {}

    init(id: String, type: String, created: Int64, receivedAt: Date) {
        self.id = id
        self.type = type
        self.created = created
        self.receivedAt = receivedAt
    }
}
