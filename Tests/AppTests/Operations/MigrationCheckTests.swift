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

    @Test("instances migrating one new database at the same moment take turns; all start", 
          arguments: TestDatabase.all.filter { if case .postgres = $0 { true } else { false } })
    func concurrentMigrations(database: TestDatabase) async throws {
        // given three instances with the same settings (one schema) that migrate on start
        let config = try testConfig(database: database)

        // when they start at once
        let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for _ in 0..<3 {
                group.addTask { try await withConfiguredApp(config) { app in try await app.testing().sendRequest(.GET, "/readyz").status } }
            }
            return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
        }

        // then none failed on another's half-made tables
        #expect(statuses == [.ok, .ok, .ok])
    }
}
