import Vapor

/// `bmm backup --out FILE`: a consistent copy of the SQLite database, taken while the
/// app runs. On PostgreSQL it explains `pg_dump` and fails.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "out", help: "The file to write the backup to.")
        var out: String?
        @Flag(name: "force", help: "Replace the file if it exists.")
        var force: Bool
    }

    var help: String { "Writes a consistent copy of the SQLite database while the app keeps running." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard case .sqlite(let live) = app.config.database else {
            context.console.print(DatabaseBackup.postgresAdvice)
            throw OperationError("bmm backup copies SQLite databases; use pg_dump for PostgreSQL")
        }
        guard let out = signature.out, !out.isEmpty else { throw OperationError("name the backup file: bmm backup --out FILE") }
        let path = AppConfig.absolute(out, relativeTo: FileManager.default.currentDirectoryPath)
        let folder = (path as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OperationError("\(folder) does not exist: create the folder first, or name a file in one that does")
        }
        try DatabaseBackup.refuseLiveFiles(path, live: live)
        try await DatabaseBackup.write(from: app.db, to: path, replacing: signature.force)
        context.console.print("Backed up \(live) to \(path).")
        context.console.print("Keep BMM_ENCRYPTION_KEY (and any previous keys) with it: without them the server secrets in it cannot be decrypted.")
    }
}
