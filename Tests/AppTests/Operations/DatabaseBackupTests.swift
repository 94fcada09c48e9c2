@testable import App
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@Suite("Operations: backup, restore and the database file lock")
struct DatabaseBackupTests {
    @Test("the lock a running app holds shared keeps a restore out, and is free again once released")
    func lockRefusesRestoreWhileAppRuns() throws {
        let path = try makeTemporaryDirectory() + "/bmm.sqlite"
        // given an app holding the lock
        var app: DatabaseFileLock? = try #require(try DatabaseFileLock(databasePath: path, mode: .shared))
        // then a second app may run beside it, but a restore may not start
        #expect(try DatabaseFileLock(databasePath: path, mode: .shared) != nil)
        #expect(try DatabaseFileLock(databasePath: path, mode: .exclusive) == nil)
        // when the app stops
        withExtendedLifetime(app) {}
        app = nil
        // then the restore can take it, and an app cannot start during the restore
        let restore = try #require(try DatabaseFileLock(databasePath: path, mode: .exclusive))
        #expect(try DatabaseFileLock(databasePath: path, mode: .shared) == nil)
        withExtendedLifetime(restore) {}
    }

    @Test("a backup is a database with every row, is refused over an existing file without force, and validates for restore")
    func backupAndValidate() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            _ = try await Hosting.createAndBuild(browser)
            let out = try makeTemporaryDirectory() + "/backup.sqlite"
            // when
            try await DatabaseBackup.write(from: app.db, to: out, replacing: false)
            // then
            #expect(try await DatabaseBackup.validate(out, app: app) == Migrations.all.count)
            #expect(try Self.permissions(out) == 0o600, "a backup holds everyone's data: its owner's only")
            await #expect(throws: OperationError.self) { try await DatabaseBackup.write(from: app.db, to: out, replacing: false) }
            try await DatabaseBackup.write(from: app.db, to: out, replacing: true)
            let users = try await User.query(on: app.db).count()
            let copied = try await Self.count("users", in: out, app: app)
            #expect(users > 0 && copied == users)
        }
    }

    @Test("a backup over the live database or its files is refused, however the path is spelled; --force does not change that")
    func liveFilesRefused() throws {
        // given a live database in a folder reached through a symbolic link too
        let folder = try makeTemporaryDirectory()
        let live = folder + "/bmm.sqlite"
        let link = try makeTemporaryDirectory() + "/data"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder)
        // when / then
        for target in [live, live + "-wal", live + "-shm", live + ".lock", folder + "/../" + (folder as NSString).lastPathComponent + "/bmm.sqlite", link + "/bmm.sqlite"] {
            #expect(throws: OperationError.self, "\(target)") { try DatabaseBackup.refuseLiveFiles(target, live: live) }
        }
        try DatabaseBackup.refuseLiveFiles(folder + "/backup.sqlite", live: live)
    }

    @Test("restore refuses a file that is not one of this app's databases, and keeps the replaced one as .bak")
    func restoreChecksAndKeeps() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let directory = try makeTemporaryDirectory()
            let text = directory + "/notes.txt"
            try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
            await #expect(throws: OperationError.self) { try await DatabaseBackup.validate(text, app: app) }
            let foreign = directory + "/foreign.sqlite"
            let sql = try #require(app.db as? any SQLDatabase)
            try await sql.raw("VACUUM INTO \(bind: foreign)").run()
            // a SQLite file without our migration log
            let empty = directory + "/empty.sqlite"
            try await sql.raw("ATTACH DATABASE \(bind: empty) AS other").run()
            try await sql.raw("CREATE TABLE other.things (id INTEGER)").run()
            try await sql.raw("DETACH DATABASE other").run()
            await #expect(throws: OperationError.self) { try await DatabaseBackup.validate(empty, app: app) }
            // when a valid backup replaces a database
            let target = directory + "/data/bmm.sqlite"
            try FileManager.default.createDirectory(atPath: directory + "/data", withIntermediateDirectories: true)
            try Data("previous".utf8).write(to: URL(fileURLWithPath: target))
            #expect(try DatabaseBackup.replace(target, with: foreign) == target + ".bak")
            // then the old one is kept, and a second restore will not overwrite that copy
            #expect(try String(contentsOfFile: target + ".bak", encoding: .utf8) == "previous")
            #expect(try await DatabaseBackup.validate(target, app: app) == Migrations.all.count)
            #expect(throws: OperationError.self) { try DatabaseBackup.replace(target, with: foreign) }
        }
    }

    static func count(_ table: String, in path: String, app: Application) async throws -> Int {
        let sql = try #require(app.db as? any SQLDatabase)
        try await sql.raw("ATTACH DATABASE \(bind: path) AS copy").run()
        let row = try await sql.raw("SELECT COUNT(*) AS n FROM copy.\(ident: table)").first()
        try await sql.raw("DETACH DATABASE copy").run()
        return try row?.decode(column: "n", as: Int.self) ?? -1
    }

    static func permissions(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("the database, its log and shared memory are its owner's only, from the start and after an older 0644 one is opened")
    func databaseFilesAreOwnerOnly() async throws {
        let data = try makeTemporaryDirectory()
        let path = data + "/bmm.sqlite"
        // given an older database file readable by everyone
        FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644])
        // when the app opens it and writes
        try await withConfiguredApp(try testConfig(environment: ["BMM_DATA_DIR": data])) { app in
            _ = try await AccountDataTests.signedIn(app)
            // then
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                #expect(try Self.permissions(file) == 0o600, "\(file)")
            }
            #expect(FileManager.default.fileExists(atPath: path + "-wal"), "written in WAL mode")
        }
        // and a new data folder's database starts owner-only
        let fresh = try makeTemporaryDirectory()
        let mode = try await withConfiguredApp(try testConfig(environment: ["BMM_DATA_DIR": fresh])) { _ in
            try Self.permissions(fresh + "/bmm.sqlite")
        }
        #expect(mode == 0o600)
    }
}
