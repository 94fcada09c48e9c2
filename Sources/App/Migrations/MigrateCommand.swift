import Fluent
import Vapor

/// `bmm migrate`: applies pending migrations without asking, so it can run from
/// deploy scripts. (Fluent's own command waits for a typed confirmation.)
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Applies pending database migrations." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await withMigrationLock(app, config: app.config) {
            try await createSchemaIfNeeded(app, config: app.config)
            // A fresh database has no migration log yet; previewing would fail without it.
            try await app.migrator.setupIfNeeded().get()
            let pending = try await app.migrator.previewPrepareBatch().get()
            if pending.isEmpty {
                context.console.print("Database is up to date.")
                return
            }
            for (migration, database) in pending {
                context.console.print("Applying \(migration.name) on \(database?.string ?? "default")")
            }
            try await app.migrator.prepareBatch().get()
            context.console.print("Applied \(pending.count) migration(s).")
        }
    }
}
