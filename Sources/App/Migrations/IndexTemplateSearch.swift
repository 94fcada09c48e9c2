import Fluent
import SQLKit

/// Full-text search over templates and the indexes the listing reads.
/// - PostgreSQL: a stored generated `tsvector` column (title weighted above summary and
///   tool names, above the long description) with a GIN index.
/// - SQLite: an FTS5 table kept in step with `templates` by triggers. It is keyed by the
///   template's id, not by rowid: `templates` has no INTEGER PRIMARY KEY, so `VACUUM`
///   (which `bmm backup` runs as `VACUUM INTO`) may renumber its rowids.
/// Active deployments are counted per template from `servers`, hence its index.
struct IndexTemplateSearch: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                ALTER TABLE templates ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A')
                    || setweight(to_tsvector('english', summary || ' ' || tool_names), 'B')
                    || setweight(to_tsvector('english', description_markdown), 'C')
                ) STORED
                """).run()
            try await sql.raw("CREATE INDEX templates_search ON templates USING GIN (search_vector)").run()
        } else {
            try await sql.raw("""
                CREATE VIRTUAL TABLE templates_search USING fts5(
                    template_id UNINDEXED, title, summary, description_markdown, tool_names,
                    tokenize = 'porter unicode61'
                )
                """).run()
            try await sql.raw("""
                INSERT INTO templates_search (template_id, title, summary, description_markdown, tool_names)
                SELECT id, title, summary, description_markdown, tool_names FROM templates
                """).run()
            let insert = """
                INSERT INTO templates_search (template_id, title, summary, description_markdown, tool_names)
                VALUES (new.id, new.title, new.summary, new.description_markdown, new.tool_names);
                """
            try await sql.raw("CREATE TRIGGER templates_search_insert AFTER INSERT ON templates BEGIN \(unsafeRaw: insert) END").run()
            try await sql.raw("""
                CREATE TRIGGER templates_search_update AFTER UPDATE OF title, summary, description_markdown, tool_names ON templates
                BEGIN DELETE FROM templates_search WHERE template_id = old.id; \(unsafeRaw: insert) END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER templates_search_delete AFTER DELETE ON templates
                BEGIN DELETE FROM templates_search WHERE template_id = old.id; END
                """).run()
        }
        try await sql.create(index: "templates_status_created").on("templates").column("status").column("created_at").run()
        try await sql.create(index: "templates_organization").on("templates").column("organization_id").run()
        try await sql.create(index: "servers_template_status").on("servers").column("template_id").column("status").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "servers_template_status").run()
        try await sql.drop(index: "templates_organization").run()
        try await sql.drop(index: "templates_status_created").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP INDEX templates_search").run()
            try await sql.raw("ALTER TABLE templates DROP COLUMN search_vector").run()
        } else {
            for trigger in ["templates_search_insert", "templates_search_update", "templates_search_delete"] {
                try await sql.raw("DROP TRIGGER \(ident: trigger)").run()
            }
            try await sql.raw("DROP TABLE templates_search").run()
        }
    }
}
