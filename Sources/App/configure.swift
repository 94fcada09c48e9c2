import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Templating
import Vapor

/// Builds the whole application from `config`. `bmm`, the tests and the static
/// export all go through here, so they run exactly the same app.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port

    try configureDatabase(app, config: config)
    app.migrations.add(Migrations.all)
    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(ExportCommand(), as: "export")

    app.templates = try TemplateLibrary(directory: config.rootDirectory + "/Views")

    let content = ContentLoader(contentDirectory: config.contentDirectory, docsDirectory: config.docsDirectory).load()
    for problem in content.problems {
        app.logger.error("content: \(problem)")
    }
    let assets = try AssetManifest(publicDirectory: config.rootDirectory + "/Public")
    app.publicSite = try PublicSite(baseURL: config.publicURL, content: content, assets: assets, templates: app.templates)
    app.pageCache = RenderedPageCache(isEnabled: config.cachePages)

    app.middleware = Middlewares()
    app.middleware.use(RouteLoggingMiddleware(logLevel: .info))
    app.middleware.use(SecurityHeadersMiddleware(isProduction: config.isProduction))
    app.middleware.use(ErrorPageMiddleware())

    try routes(app)

    if config.autoMigrate {
        try await app.autoMigrate()
    }
}

private func configureDatabase(_ app: Application, config: AppConfig) throws {
    switch config.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        app.databases.use(.sqlite(.file(path)), as: .sqlite)
    case .postgres(let url):
        var postgres = try SQLPostgresConfiguration(url: url)
        // A down database must fail a request quickly, not after the default 10 s.
        postgres.coreConfiguration.options.connectTimeout = .seconds(3)
        app.databases.use(.postgres(configuration: postgres, connectionPoolTimeout: .seconds(3)), as: .psql)
    }
}
