import Fluent

/// Scopes for personal API tokens. Tokens that exist already keep the reach they had:
/// the column's default marks them as full access.
struct AddAPITokenScopes: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .field("scopes", .string, .required, .sql(.default("full")))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").deleteField("scopes").update()
    }
}
