import App
import Foundation
import NIOCore
import NIOPosix
import Vapor

// Swift concurrency's jobs run on NIO's event loops instead of a separate thread pool, so a request's
// handler does not hop to another thread and back (each hop a wake-up and two context switches).
// First thing: no async work may have started before the hook is installed.
_ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()

// `bmm serve | migrate | export | routes`: one binary for every role.
var arguments = CommandLine.arguments
let config: AppConfig
do {
    let options = try CommandLineOptions.extract(from: &arguments)
    var loaded = try AppConfig.load()
    options.apply(to: &loaded)
    config = loaded
} catch {
    FileHandle.standardError.write(Data("bmm: \(error)\n".utf8))
    exit(2)
}

var environment = Environment(name: config.mode.rawValue, arguments: arguments)
// Loggers made anywhere (libraries included) write JSON lines when BMM_LOG_FORMAT=json.
if config.logFormat == .json {
    try LoggingSystem.bootstrap(from: &environment) { level in { _ in JSONLogLines.handler(level: level) } }
} else {
    try LoggingSystem.bootstrap(from: &environment)
}
let app = try await Application.make(environment)
do {
    try await configure(app, config: config)
    try await app.execute()
} catch {
    app.logger.critical("bmm: \(String(reflecting: error))")
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
