import Fluent
import SQLKit

/// Full-text search over templates and the indexes the listing reads.
/// - PostgreSQL: a stored generated `tsvector` column (title weighted above summary and
///   tool names, above the long description) with a GIN index.
/// - SQLite: a contentless FTS5 table kept in step with `templates` by triggers, its rowids
///   mapped to template ids by `templates_search_keys`. Not keyed by `templates`' own rowid:
///   it has no INTEGER PRIMARY KEY, so `VACUUM` (which `bmm backup` runs as `VACUUM INTO`)
///   may renumber it.
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
            // Contentless FTS5 (the text lives in `templates` only) whose integer rowids map to
            // template ids through a small table: a search that matches most templates reads
            // those small rows, not a copy of every description.
            try await sql.raw("CREATE TABLE templates_search_keys (key INTEGER PRIMARY KEY, template_id UUID NOT NULL UNIQUE)").run()
            try await sql.raw("""
                CREATE VIRTUAL TABLE templates_search USING fts5(
                    title, summary, description_markdown, tool_names, content = '', tokenize = 'porter unicode61'
                )
                """).run()
            try await sql.raw("INSERT INTO templates_search_keys (template_id) SELECT id FROM templates").run()
            try await sql.raw("""
                INSERT INTO templates_search (rowid, title, summary, description_markdown, tool_names)
                SELECT k.key, t.title, t.summary, t.description_markdown, t.tool_names
                FROM templates t JOIN templates_search_keys k ON k.template_id = t.id
                """).run()
            let add = """
                INSERT INTO templates_search (rowid, title, summary, description_markdown, tool_names)
                SELECT key, new.title, new.summary, new.description_markdown, new.tool_names FROM templates_search_keys WHERE template_id = new.id;
                """
            // A contentless table forgets a row by being told the exact text it indexed.
            let remove = """
                INSERT INTO templates_search (templates_search, rowid, title, summary, description_markdown, tool_names)
                SELECT 'delete', key, old.title, old.summary, old.description_markdown, old.tool_names FROM templates_search_keys WHERE template_id = old.id;
                """
            try await sql.raw("""
                CREATE TRIGGER templates_search_insert AFTER INSERT ON templates
                BEGIN INSERT INTO templates_search_keys (template_id) VALUES (new.id); \(unsafeRaw: add) END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER templates_search_update AFTER UPDATE OF title, summary, description_markdown, tool_names ON templates
                BEGIN \(unsafeRaw: remove) \(unsafeRaw: add) END
                """).run()
            try await sql.raw("""
                CREATE TRIGGER templates_search_delete AFTER DELETE ON templates
                BEGIN \(unsafeRaw: remove) DELETE FROM templates_search_keys WHERE template_id = old.id; END
                """).run()
        }
        // Covers the listing's scan (status, category, the sort inputs, the id), so ranking
        // every public template never reads the wide rows with their descriptions.
        try await sql.create(index: "templates_listing").on("templates")
            .column("status").column("category").column("created_at").column("forks").column("id").run()
        try await sql.create(index: "templates_organization").on("templates").column("organization_id").run()
        try await sql.create(index: "servers_template_status").on("servers").column("template_id").column("status").run()
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.drop(index: "servers_template_status").run()
        try await sql.drop(index: "templates_organization").run()
        try await sql.drop(index: "templates_listing").run()
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP INDEX templates_search").run()
            try await sql.raw("ALTER TABLE templates DROP COLUMN search_vector").run()
        } else {
            for trigger in ["templates_search_insert", "templates_search_update", "templates_search_delete"] {
                try await sql.raw("DROP TRIGGER \(ident: trigger)").run()
            }
            try await sql.raw("DROP TABLE templates_search").run()
            try await sql.raw("DROP TABLE templates_search_keys").run()
        }
    }
}
