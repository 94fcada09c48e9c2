import Fluent
import SQLKit

/// The change feed the hosted endpoint's caches read (`ContextChangeFeed`): a row names a server,
/// or a workspace, whose tool-call context (`ServerContextCache.Stamp`) changed. Triggers write
/// it, so a change made by any instance, a command or a hand-written statement is in the feed
/// in the same transaction as the change itself.
///
/// What each row records, per table: `servers` — the live version, workspace or source template
/// changed, or the server went; `server_secrets` — any write; `organizations` — the plan, its
/// override or the quota period's start; `templates` — the status (a takedown) or the template
/// went, as one row per server forked from it.
///
/// - SQLite: ids come from AUTOINCREMENT, so a pruned id is never reused; SQLite has one writer
///   at a time, so ids are committed in order and a reader's cursor is the highest id it saw.
/// - PostgreSQL: a sequence hands out ids before commit, so they commit out of order; each row
///   also keeps its transaction's id (`txid`), which a reader compares with the oldest
///   transaction still running when it last looked (`pg_snapshot_xmin`).
/// `changed_at` (seconds since 1970) is what pruning reads.
struct CreateContextChanges: AsyncMigration {
    /// Table, columns and row conditions of every trigger, and what each inserts.
    private static let sources: [(table: String, operation: String, condition: String?, insert: String)] = [
        ("servers", "UPDATE", """
            old.active_version_id IS DISTINCT FROM new.active_version_id OR old.organization_id IS DISTINCT FROM new.organization_id
            OR old.template_id IS DISTINCT FROM new.template_id
            """, "INSERT INTO context_changes (server_id) VALUES (new.id)"),
        ("servers", "DELETE", nil, "INSERT INTO context_changes (server_id) VALUES (old.id)"),
        ("server_secrets", "INSERT", nil, "INSERT INTO context_changes (server_id) VALUES (new.server_id)"),
        ("server_secrets", "UPDATE", nil, "INSERT INTO context_changes (server_id) VALUES (new.server_id)"),
        ("server_secrets", "DELETE", nil, "INSERT INTO context_changes (server_id) VALUES (old.server_id)"),
        ("organizations", "UPDATE", """
            old.plan IS DISTINCT FROM new.plan OR old.plan_override IS DISTINCT FROM new.plan_override
            OR old.quota_period_start IS DISTINCT FROM new.quota_period_start
            """, "INSERT INTO context_changes (organization_id) VALUES (new.id)"),
        ("organizations", "DELETE", nil, "INSERT INTO context_changes (organization_id) VALUES (old.id)"),
        ("templates", "UPDATE", "old.status IS DISTINCT FROM new.status",
         "INSERT INTO context_changes (server_id) SELECT id FROM servers WHERE template_id = new.id"),
        ("templates", "DELETE", nil, "INSERT INTO context_changes (server_id) SELECT id FROM servers WHERE template_id = old.id"),
    ]

    private static func name(_ source: (table: String, operation: String, condition: String?, insert: String)) -> String {
        "\(source.table)_context_\(source.operation.lowercased())"
    }

    func prepare(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        let postgres = sql.dialect.name == "postgresql"
        if postgres {
            try await sql.raw("""
                CREATE TABLE context_changes (
                    id BIGSERIAL PRIMARY KEY,
                    server_id UUID,
                    organization_id UUID,
                    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
                    changed_at BIGINT NOT NULL DEFAULT (extract(epoch FROM clock_timestamp())::bigint)
                )
                """).run()
            try await sql.raw("CREATE INDEX context_changes_txid ON context_changes (txid)").run()
        } else {
            try await sql.raw("""
                CREATE TABLE context_changes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    server_id UUID,
                    organization_id UUID,
                    changed_at INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
                )
                """).run()
        }
        try await sql.raw("CREATE INDEX context_changes_changed_at ON context_changes (changed_at)").run()

        for source in Self.sources {
            let name = Self.name(source)
            if postgres {
                // PL/pgSQL names the rows NEW and OLD, SQLite new and old; both read them case-insensitively.
                let row = source.operation == "DELETE" ? "OLD" : "NEW"
                try await sql.raw("""
                    CREATE FUNCTION \(ident: name)() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN \(unsafeRaw: source.insert); RETURN \(unsafeRaw: row); END $$
                    """).run()
                let when = source.condition.map { " WHEN (\($0))" } ?? ""
                try await sql.raw("""
                    CREATE TRIGGER \(ident: name) AFTER \(unsafeRaw: source.operation) ON \(ident: source.table)
                    FOR EACH ROW\(unsafeRaw: when) EXECUTE FUNCTION \(ident: name)()
                    """).run()
            } else {
                // SQLite spells IS DISTINCT FROM as IS NOT.
                let when = source.condition.map { " WHEN \($0.replacingOccurrences(of: "IS DISTINCT FROM", with: "IS NOT"))" } ?? ""
                try await sql.raw("""
                    CREATE TRIGGER \(ident: name) AFTER \(unsafeRaw: source.operation) ON \(ident: source.table)
                    FOR EACH ROW\(unsafeRaw: when) BEGIN \(unsafeRaw: source.insert); END
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        guard let sql = database as? any SQLDatabase else { return }
        for source in Self.sources {
            let name = Self.name(source)
            if sql.dialect.name == "postgresql" {
                try await sql.raw("DROP TRIGGER \(ident: name) ON \(ident: source.table)").run()
                try await sql.raw("DROP FUNCTION \(ident: name)()").run()
            } else {
                try await sql.raw("DROP TRIGGER \(ident: name)").run()
            }
        }
        try await sql.raw("DROP TABLE context_changes").run()
    }
}
