import Fluent
import Foundation

final class User: Model, @unchecked Sendable {
    static let schema = "users"

    @ID(key: .id) var id: UUID?
    /// Normalized (lower-case) address; `nil` for users who signed in by phone.
    @OptionalField(key: "email") var email: String?
    /// E.164; `nil` for users who signed in by email.
    @OptionalField(key: "phone") var phone: String?
    @Field(key: "display_name") var displayName: String
    @Field(key: "is_admin") var isAdmin: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(email: String?, phone: String?, displayName: String) {
        self.email = email
        self.phone = phone
        self.displayName = displayName
        self.isAdmin = false
    }
}
