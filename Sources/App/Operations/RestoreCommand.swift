import Vapor

/// `bmm restore FILE`: replaces the SQLite database with a backup, refusing while an
/// app runs on it. On PostgreSQL it explains `pg_restore` and fails.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "A backup written by `bmm backup`.")
        var file: String
    }

    var help: String { "Replaces the SQLite database with a backup (stop the app first); the old file is kept as .bak." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard case .sqlite(let target) = app.config.database else {
            context.console.print(DatabaseBackup.postgresAdvice)
            throw OperationError("bmm restore restores SQLite databases; use pg_restore for PostgreSQL")
        }
        let source = AppConfig.absolute(signature.file, relativeTo: FileManager.default.currentDirectoryPath)
        guard let lock = try DatabaseFileLock(databasePath: target, mode: .exclusive) else {
            throw OperationError("an app is running on \(target) (`bmm serve` or `bmm worker` holds \(target).lock); stop it before restoring")
        }
        let migrations = try await DatabaseBackup.validate(source, app: app)
        let previous = try DatabaseBackup.replace(target, with: source)
        withExtendedLifetime(lock) {}
        context.console.print("Restored \(source) (\(migrations) migrations applied) to \(target).")
        if let previous { context.console.print("The database it replaced is kept as \(previous).") }
        context.console.print("Start the app with the BMM_ENCRYPTION_KEY the backup was made with, or its server secrets cannot be decrypted.")
    }
}
