import Fluent

/// The server an iteration draft revises: only that server's Iterate review may build it. Wizard drafts have
/// none. A plain column, not a reference: drafts expire within a day, and a deleted server's pages are gone.
struct AddDraftServer: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("drafts")
            .field("server_id", .uuid)
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("drafts").deleteField("server_id").update()
    }
}
