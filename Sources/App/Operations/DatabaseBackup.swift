import Fluent
import Foundation
import SQLKit
import FluentSQLiteDriver
import Vapor

/// Copies and restores the SQLite database file. PostgreSQL has its own tools, which
/// `postgresAdvice` names.
enum DatabaseBackup {
    static let postgresAdvice = """
        This app runs on PostgreSQL (DATABASE_URL); back it up and restore it with PostgreSQL's own tools:
          pg_dump --format=custom --file=bmm.dump "$DATABASE_URL"
          pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" bmm.dump
        pg_dump takes a consistent snapshot while the app keeps running. Stop the app (every instance
        and `bmm worker`) before pg_restore. Keep BMM_ENCRYPTION_KEY (and BMM_PREVIOUS_ENCRYPTION_KEYS)
        with the dump: without them the restored server secrets cannot be decrypted.
        """

    /// Refuses a backup file that is the live database or one of SQLite's files beside it (however the path is
    /// spelled: through `..` or a symbolic link): `--force` would rename the copy over the file the app has open.
    static func refuseLiveFiles(_ path: String, live: String) throws {
        func resolved(_ file: String) -> String {
            let folder = ((file as NSString).deletingLastPathComponent as NSString).resolvingSymlinksInPath
            return (folder as NSString).appendingPathComponent((file as NSString).lastPathComponent)
        }
        let target = resolved(path)
        let liveFiles = ["", "-wal", "-shm", "-journal", ".lock"].map { resolved(live + $0) }
        guard !liveFiles.contains(target) else {
            throw OperationError("\(path) is the live database (or one of its files); write the backup somewhere else")
        }
    }

    /// Writes a consistent copy of the live database to `path` with `VACUUM INTO` (one read
    /// transaction: writers carry on), first to a temporary file renamed into place, so
    /// `path` never holds half a backup.
    static func write(from database: any Database, to path: String, replacing: Bool) async throws {
        let files = FileManager.default
        if files.fileExists(atPath: path) && !replacing {
            throw OperationError("\(path) exists; pass --force to replace it")
        }
        guard let sql = database as? any SQLDatabase else { throw OperationError("the database does not speak SQL") }
        let temporary = path + ".partial-" + UUID().uuidString.prefix(8)
        do {
            // VACUUM INTO writes into an empty file that exists: made owner-only first, the copy never has a moment
            // of being readable by others.
            try OwnerOnlyFile.create(temporary)
            try await sql.raw("VACUUM INTO \(bind: temporary)").run()
            guard rename(temporary, path) == 0 else {
                throw OperationError("cannot move the backup to \(path): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? files.removeItem(atPath: temporary)
            throw error
        }
    }

    /// Checks that `path` is a SQLite database this app made (it has our migration log and
    /// nothing newer than this build knows), so a wrong file never replaces the live one.
    static func validate(_ path: String, app: Application) async throws -> Int {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw OperationError("cannot read \(path)") }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header == Data("SQLite format 3\0".utf8) else { throw OperationError("\(path) is not a SQLite database") }
        let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: app.threadPool,
                                                         logger: app.logger, on: app.eventLoopGroup.any())
        do {
            let check = try await connection.query("PRAGMA quick_check").first?.column("quick_check")?.string
            guard check == "ok" else { throw OperationError("\(path) is damaged: \(check ?? "no answer to quick_check")") }
            let tables = try await connection.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_fluent_migrations'")
            guard !tables.isEmpty else { throw OperationError("\(path) is a SQLite database, but not one of this app's (no migration log)") }
            let applied = try await connection.query("SELECT name FROM _fluent_migrations").compactMap { $0.column("name")?.string }
            let known = Set(Migrations.all.map(\.name))
            if let unknown = applied.first(where: { !known.contains($0) }) {
                throw OperationError("\(path) was made by a newer version of bmm (it has migration \(unknown)); restore it with that version")
            }
            guard !applied.isEmpty else { throw OperationError("\(path) has an empty migration log") }
            try await connection.close()
            return applied.count
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Puts `source` in place of `target`. The database being replaced is kept as
    /// `target.bak` (with its write-ahead log); an earlier `.bak` is never overwritten.
    static func replace(_ target: String, with source: String) throws -> String? {
        let files = FileManager.default
        let kept = target + ".bak"
        try files.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let staged = target + ".restoring"
        try? files.removeItem(atPath: staged)
        try files.copyItem(atPath: source, toPath: staged)
        try OwnerOnlyFile.narrow(staged)
        var previous: String?
        if files.fileExists(atPath: target) {
            guard !files.fileExists(atPath: kept) else {
                try? files.removeItem(atPath: staged)
                throw OperationError("\(kept) exists from an earlier restore; move it away first")
            }
            try files.moveItem(atPath: target, toPath: kept)
            if files.fileExists(atPath: target + "-wal") { try files.moveItem(atPath: target + "-wal", toPath: kept + "-wal") }
            previous = kept
        }
        // A stale log or shared-memory file would be read as part of the restored database.
        try? files.removeItem(atPath: target + "-wal")
        try? files.removeItem(atPath: target + "-shm")
        try files.moveItem(atPath: staged, toPath: target)
        try OwnerOnlyFile.narrow(target)
        return previous
    }
}
