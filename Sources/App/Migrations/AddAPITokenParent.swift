import Fluent
import SQLKit

/// The token a token was made with (`POST /v1/tokens` under a bearer token): revoking it revokes
/// what it made, or a stolen token could mint a successor before it is revoked and keep access.
/// A plain indexed column, not a reference: `APITokenService.revoke` deletes the descendants
/// itself, so it can also forget each one's cached caller.
struct AddAPITokenParent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("api_tokens").field("parent_token_id", .uuid).update()
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "api_tokens_parent").on("api_tokens").column("parent_token_id").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "api_tokens_parent").run() }
        try await database.schema("api_tokens").deleteField("parent_token_id").update()
    }
}
