import Fluent

/// A token may be made for one hosted server (the install snippets' tokens are): the MCP endpoint then answers it on
/// that server only, so a token pasted into one client's configuration cannot call the workspace's other servers.
/// Deleting the server deletes its tokens.
struct AddAPITokenServer: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens")
            .field("server_id", .uuid, .references("servers", "id", onDelete: .cascade))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("api_tokens").deleteField("server_id").update()
    }
}
