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

// Usage needs no configuration, database or views: printed by Vapor's command group with nothing configured.
if CommandLineOptions.asksForHelp(arguments) {
    // `bmm help [command]` reads as `bmm [command] --help`.
    var helpArguments = arguments.filter { $0 != "--help" && $0 != "-h" }
    if helpArguments.count > 1 && helpArguments[1] == "help" { helpArguments.remove(at: 1) }
    helpArguments.append("--help")
    let command = helpArguments.dropFirst().first { !$0.hasPrefix("-") }
    let helpApp = try await Application.make(Environment(name: "development", arguments: helpArguments))
    registerCommands(helpApp)
    do {
        try await helpApp.startup()
    } catch {
        FileHandle.standardError.write(Data("bmm: \(error)\n".utf8))
        try? await helpApp.asyncShutdown()
        exit(2)
    }
    if command == nil || command == "serve" || command == "export" { print("""

    Options read by bmm itself (serve and export):
      --content DIR    the docs folder (default: Content/docs)
      --base-url URL   the canonical URL pages link to (mainly for export)
    Configuration is read from BMM_* environment variables: see the README.
    """) }
    try await helpApp.asyncShutdown()
    exit(0)
}
let config: AppConfig
do {
    let options = try CommandLineOptions.extract(from: &arguments)
    var loaded = try AppConfig.load()
    try options.apply(to: &loaded)
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
    // Not `execute()`: it logs a failed command as a warning before rethrowing, and the one line below says it.
    try await app.startup()
    try await app.running?.onStop.get()
} catch {
    app.logger.critical("bmm: \(StartupFailure.message(for: error, config: config))")
    try? await app.asyncShutdown()
    exit(1)
}
try await app.asyncShutdown()
