import Fluent
import Foundation
import SQLKit

/// The workspaces that forked each template, once each: a template's fork count is how many
/// workspaces forked it, so forking, deleting and forking again, or forking from one's own
/// workspace, moves neither the count nor Trending. Filled from the forks that exist now.
struct CreateTemplateForkers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("template_forkers")
            .id()
            .field("template_id", .uuid, .required, .references("templates", "id", onDelete: .cascade))
            .field("organization_id", .uuid, .required, .references("organizations", "id", onDelete: .cascade))
            .field("created_at", .datetime, .required)
            .unique(on: "template_id", "organization_id")
            .create()
        guard let sql = database as? any SQLDatabase else { return }
        let rows = try await sql.raw("""
            SELECT DISTINCT s.template_id, s.organization_id, MIN(s.created_at) AS created_at FROM servers s
            JOIN templates t ON t.id = s.template_id
            WHERE t.organization_id <> s.organization_id
            GROUP BY s.template_id, s.organization_id
            """).all()
        for row in rows {
            try await sql.raw("""
                INSERT INTO template_forkers (id, template_id, organization_id, created_at)
                VALUES (\(bind: UUID()), \(bind: try row.decode(column: "template_id", as: UUID.self)),
                        \(bind: try row.decode(column: "organization_id", as: UUID.self)), \(bind: try row.decode(column: "created_at", as: Date.self)))
                """).run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("template_forkers").delete()
    }
}
