import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Builds the whole application from `config`. `bmm`, the tests and the static
/// export all go through here, so they run exactly the same app.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.config = config
    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port
    // The grace period, then the margin in which the requests whose calls were stopped answer (GracefulShutdown).
    app.http.server.configuration.shutdownTimeout = .seconds((config.shutdownGrace + GracefulShutdown.drainMargin).components.seconds)
    // RequestObservationMiddleware records every request as `bmm_http_*` with the route's name; Vapor's own
    // unprefixed copies would double the series and cost every request a second round of timer lookups.
    app.http.server.configuration.reportMetrics = false
    app.http.server.configuration.idleTimeout = .seconds(config.idleTimeout?.components.seconds
        ?? Int64(ConnectionLimits.idleSeconds(draftTimeout: config.drafting.timeoutSeconds)))
    ConnectionLimits.raiseOpenFileLimit()
    app.configureObservability(config)

    try holdDatabaseLock(app, config: config)
    try configureDatabase(app, config: config)
    app.migrations.add(Migrations.all)
    registerCommands(app)

    app.siteFiles = SiteFiles(try SiteFiles.load(config, logger: app.logger, clock: app.clockSource))
    // A page cached before a file changed would hide the change.
    app.pageCache = RenderedPageCache(isEnabled: config.cachePages && !config.reloadsFiles)
    if config.reloadsFiles {
        app.startDevelopmentReload()
    }

    app.routes.defaultMaxBodySize = "64kb"
    app.stopping = StoppingFlag()
    app.health = StorageHealth()
    app.accounts = AccountsEnvironment(
        cookies: AuthCookies(isSecure: config.publicURL.hasPrefix("https://")),
        publicURL: config.publicURL,
        secret: config.sessionSecret,
        mailer: try Delivery.mailer(config.mail, app: app),
        sms: try Delivery.smsSender(config.sms, app: app),
        showsOutbox: !config.isProduction,
        origins: SiteOrigins(publicURL: config.publicURL, allowed: config.allowedOrigins, isProduction: config.isProduction)
    )
    app.drafting = DraftingEnvironment.providers(config.drafting, httpClient: DraftingEnvironment.providerClient(app))
    guard let box = SecretBox(base64Current: config.encryptionKey, base64Previous: config.previousEncryptionKeys) else {
        throw ConfigError(problems: ["BMM_ENCRYPTION_KEY must be 32 bytes encoded as base64"])
    }
    app.secretBox = box
    app.billing = try BillingEnvironment.make(config.billing, app: app)
    try app.configureHosting(config)
    app.oauthMetadataCache = OAuthMetadataCache()
    app.mailQueueSignal = WakeSignal()
    let outboxed = [("email", "BMM_MAIL_PROVIDER", config.mail == .outbox), ("SMS", "BMM_SMS_PROVIDER", config.sms == .outbox)].filter(\.2)
    if config.isProduction && !outboxed.isEmpty {
        app.logger.warning("sign-in \(outboxed.map(\.0).joined(separator: " and ")) messages go to the outbox, which production does not show: set \(outboxed.map(\.1).joined(separator: " and "))")
    }

    app.middleware = Middlewares()
    app.responder.use { app in AbsoluteFormResponder(next: app.responder.default) }
    app.middleware.use(RequestObservationMiddleware())
    app.middleware.use(SecurityHeadersMiddleware(isProduction: config.isProduction))
    app.middleware.use(TextCompressionMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    let probes: Set<String> = [SiteRoute.healthz.path, SiteRoute.readyz.path, SiteRoute.metrics.path]
    app.middleware.use(HostGuardMiddleware(origins: app.accounts.origins, exemptPaths: probes))
    if config.isProduction && config.publicScheme == "https" {
        app.middleware.use(HTTPSOnlyMiddleware(publicURL: config.publicURL, exemptPaths: probes))
    }
    app.middleware.use(HTTPCachingMiddleware())
    app.middleware.use(APIContractMiddleware())

    try routes(app, config: config)
    app.allowedMethods = AllowedMethods(app.routes)

    guard config.opensDatabaseAtStart else { return }
    try await useSQLiteBusyTimeout(app, config: config)
    try await useWriteAheadLog(app, config: config)
    if config.autoMigrate {
        try await withMigrationLock(app, config: config) {
            try await createSchemaIfNeeded(app, config: config)
            try await app.autoMigrate()
        }
    } else if config.requiresMigratedDatabase {
        try await requireMigrations(app)
    }
    if config.runsBuilds {
        app.startBuildRunner()
    } else if config.watchesBuildLeases {
        app.startBuildLeaseWatch()
    }
    if config.prunesCallLog {
        app.startCallLogPruning()
    }
    if config.readsContextChanges {
        app.startServerContextFeed()
    }
    if config.sendsQueuedMail {
        app.startMailQueue()
    }
    // Registered last, so it runs first: connections drain before anything they use stops.
    app.lifecycle.use(GracefulShutdown())
}

/// Every command of `bmm` besides Vapor's own `serve` and `routes`. Also registered alone for `bmm --help`,
/// which prints usage without configuring the app.
public func registerCommands(_ app: Application) {
    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(ExportCommand(), as: "export")
    app.asyncCommands.use(AdminCommand(), as: "admin")
    app.asyncCommands.use(WorkerCommand(), as: "worker")
    app.asyncCommands.use(SecretsCommand(), as: "secrets")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
}

/// Without auto-migration (production), `serve` and `worker` start only on a database that has every
/// migration this build knows: otherwise `/readyz` would answer ready while pages and the API fail on
/// missing tables. `bmm migrate` is the one step that changes the schema.
private func requireMigrations(_ app: Application) async throws {
    guard let sql = app.db as? any SQLDatabase else { return }
    struct Row: Decodable { let name: String }
    let applied: Set<String>
    do {
        applied = Set(try await sql.raw("SELECT name FROM _fluent_migrations").all(decoding: Row.self).map(\.name))
    } catch {
        // No migration log yet, unless the database itself cannot be reached: then that is the error to report.
        try await sql.raw("SELECT 1").run()
        applied = []
    }
    let missing = Migrations.all.map(\.name).filter { !applied.contains($0) }
    guard missing.isEmpty else {
        throw ConfigError(problems: [
            "the database lacks \(missing.count) of this version's \(Migrations.all.count) migrations (the first: \(missing[0])): run `bmm migrate` with the same settings, then start again",
        ])
    }
}

/// `serve` and `worker` on SQLite hold the database file's lock shared while they run,
/// which is how `bmm restore` knows not to replace it.
private func holdDatabaseLock(_ app: Application, config: AppConfig) throws {
    guard config.holdsDatabaseLock, case .sqlite(let path) = config.database else { return }
    guard let lock = try DatabaseFileLock(databasePath: path, mode: .shared) else {
        throw ConfigError(problems: ["\(path) is being restored (`bmm restore` holds \(path).lock); start the app when it has finished"])
    }
    app.databaseFileLock = lock
}

/// sqlite-nio opens each connection with a busy handler that retries at once, forever: a
/// writer waiting for another connection's lock spins a blocking-pool thread at full CPU and
/// never gives up. `busy_timeout` replaces that handler with SQLite's own (sleeps that back
/// off, then SQLITE_BUSY). The setting belongs to a connection; Fluent keeps exactly one
/// SQLite connection per event loop for the life of the app, so each gets it here.
func useSQLiteBusyTimeout(_ app: Application, config: AppConfig) async throws {
    guard case .sqlite = config.database else { return }
    let milliseconds = config.sqliteBusyTimeout.components.seconds * 1000 + config.sqliteBusyTimeout.components.attoseconds / 1_000_000_000_000_000
    for eventLoop in app.eventLoopGroup.makeIterator() {
        guard let sql = app.databases.database(.sqlite, logger: app.logger, on: eventLoop) as? any SQLDatabase else { continue }
        try await sql.raw("PRAGMA busy_timeout = \(unsafeRaw: String(milliseconds))").run()
    }
}

/// SQLite in WAL mode lets requests read while the build runner or a tool-call
/// record writes; the setting is stored in the database file.
func useWriteAheadLog(_ app: Application, config: AppConfig) async throws {
    guard case .sqlite(let path) = config.database, let sql = app.db as? any SQLDatabase else { return }
    try await sql.raw("PRAGMA journal_mode=WAL").run()
    // The first statement made the file of a new database, and this one its log: both owner-only before any row.
    try OwnerOnlyFile.narrowDatabase(path)
}

/// Creates the configured PostgreSQL schema (validated as a plain identifier).
func createSchemaIfNeeded(_ app: Application, config: AppConfig) async throws {
    guard case .postgres = config.database, let schema = config.databaseSchema, let sql = app.db as? any SQLDatabase else { return }
    try await sql.raw("CREATE SCHEMA IF NOT EXISTS \(ident: schema)").run()
}

private func configureDatabase(_ app: Application, config: AppConfig) throws {
    switch config.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try OwnerOnlyFile.narrowDatabase(path)
        // SQLite runs each statement on a blocking-pool thread, and a connection waiting for the
        // writer lock sleeps on its thread. NIO's shared pool has one thread per core: when
        // waiters fill it, the holder cannot run its next statement to finish, and every wait
        // ends in the busy timeout. One thread per connection (one per event loop), plus room
        // for file I/O and a backup's own connection, means the holder always finds one.
        let loops = Array(app.eventLoopGroup.makeIterator()).count
        app.threadPool = NIOThreadPool(numberOfThreads: loops + 2)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
    case .postgres(let url):
        app.databases.use(.postgres(configuration: try postgresConfiguration(url, config: config), connectionPoolTimeout: .seconds(3)), as: .psql)
    }
}

/// The connection settings for PostgreSQL at `url`: the pool's, and the migration lock's own connection.
func postgresConfiguration(_ url: String, config: AppConfig) throws -> SQLPostgresConfiguration {
    var postgres = try SQLPostgresConfiguration(url: url)
    if let schema = config.databaseSchema { postgres.searchPath = [schema] }
    // A down database must fail a request quickly, not after the default 10 s.
    postgres.coreConfiguration.options.connectTimeout = .seconds(3)
    return postgres
}

extension Application {
    private struct ConfigKey: StorageKey {
        typealias Value = AppConfig
    }

    private struct DatabaseFileLockKey: StorageKey {
        typealias Value = DatabaseFileLock
    }

    /// Held until the process exits.
    var databaseFileLock: DatabaseFileLock? {
        get { storage[DatabaseFileLockKey.self] }
        set { storage[DatabaseFileLockKey.self] = newValue }
    }

    /// The configuration `configure(_:config:)` was given.
    var config: AppConfig {
        get { configured(ConfigKey.self) }
        set { storage[ConfigKey.self] = newValue }
    }

    /// A value `configure(_:config:)` stores; reading one before it ran is a
    /// programming error, not a runtime condition.
    func configured<Key: StorageKey>(_ key: Key.Type) -> Key.Value {
        guard let value = storage[key] else { preconditionFailure("configure(_:config:) has not set \(Key.self)") }
        return value
    }
}
