import Fluent

/// Where a sign-in continues afterwards, kept with the attempt on the server: the
/// emailed link carries only its token, and an authorization request begun while
/// signed out survives sign-in by email as it already did by SMS (SECURITY.md 40).
struct AddLoginChallengeNext: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("login_challenges").field("next", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("login_challenges").deleteField("next").update()
    }
}
