@testable import App
import Foundation
import Testing
import Vapor

/// Production does not migrate on start: `serve` and `worker` refuse a database that lacks a migration, rather
/// than report ready and fail every page on a missing table.
@Suite("Starting without auto-migration")
struct MigrationCheckTests {
    @Test("an unmigrated database is refused with `bmm migrate` named; once migrated the same settings start", arguments: TestDatabase.all)
    func unmigrated(database: TestDatabase) async throws {
        // given production's settings: no auto-migration, a serving process
        var config = try testConfig(database: database)
        config.autoMigrate = false
        config.requiresMigratedDatabase = true

        // when / then
        await #expect {
            try await withConfiguredApp(config) { _ in }
        } throws: { error in
            (error as? ConfigError)?.description.contains("run `bmm migrate` with the same settings") == true
        }

        // when the database is migrated (as `bmm migrate` does)
        var migrating = config
        migrating.autoMigrate = true
        migrating.requiresMigratedDatabase = false
        try await withConfiguredApp(migrating) { _ in }

        // then
        let started = try await withConfiguredApp(config) { app in try await app.testing().sendRequest(.GET, "/readyz").status }
        #expect(started == .ok)
    }
}
