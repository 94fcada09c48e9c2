import Foundation
import FluentPostgresDriver
import PostgresNIO
import Vapor

/// Runs `body` (creating the schema and migrating it) while holding a PostgreSQL advisory lock named after the
/// schema, so that instances starting together, or `bmm migrate` run on several machines at boot, take turns: the
/// second finds the work done instead of failing on the first one's half-made tables. The lock is held on a
/// connection of its own, outside the pool the migrations use, and goes with it when it closes. SQLite needs none:
/// one process holds the database file (`DatabaseFileLock`).
func withMigrationLock<T>(_ app: Application, config: AppConfig, _ body: () async throws -> T) async throws -> T {
    guard case .postgres(let url) = config.database else { return try await body() }
    var configuration = try postgresConfiguration(url, config: config).coreConfiguration
    // Start-up may wait longer than a request for the database to come up.
    configuration.options.connectTimeout = .seconds(10)
    let connection = try await PostgresConnection.connect(on: app.eventLoopGroup.any(), configuration: configuration, id: 0, logger: app.logger)
    do {
        let name = "bmm-migrate:" + (config.databaseSchema ?? "public")
        _ = try await connection.query("SELECT pg_advisory_lock(hashtext(\(name)))", logger: app.logger)
        let result = try await body()
        try await connection.close()
        return result
    } catch {
        try? await connection.close()
        throw error
    }
}
