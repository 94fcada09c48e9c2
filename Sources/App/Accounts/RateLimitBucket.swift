import Fluent
import Foundation

final class RateLimitBucket: Model, @unchecked Sendable {
    static let schema = "rate_limit_buckets"

    @ID(custom: "key", generatedBy: .user) var id: String?
    @Field(key: "window_start") var windowStart: Date
    @Field(key: "count") var count: Int
    @Field(key: "expires_at") var expiresAt: Date

    init() {}
}
