@testable import App
import ConsoleKit
import Foundation
import NIOCore
import Templating
import Testing

/// What `bmm` prints when it cannot start names the mistake and the setting to change, not a Swift value.
struct StartupFailureTests {
    @Test("command-line mistakes, a taken port and an unusable address read as sentences naming the fix")
    func messages() throws {
        let config = try testConfig()
        func said(_ error: any Error) -> String { StartupFailure.message(for: error, config: config) }
        #expect(said(CommandError.missingRequiredArgument("file")) == "missing file; `bmm <command> --help` shows what the command takes")
        #expect(said(CommandError.unknownInput("--frob")).hasPrefix("unexpected `--frob`"))
        #expect(said(CommandError.invalidOptionType("metrics-port", type: Int.self)) == "--metrics-port must be a whole number")
        #expect(said(CommandError.unknownCommand("frob", available: ["serve", "migrate"])).contains("the commands are migrate, serve"))
        #expect(said(IOError(errnoCode: EADDRINUSE, reason: "bind")).contains("port \(config.port) on \(config.hostname) is already in use"))
        #expect(said(SocketAddressError.unknown(host: "999.1.1.1", port: 80)).contains("BMM_HOSTNAME"))
        // what a name that does not resolve and an address of another machine actually throw
        let unresolved = #expect(throws: (any Error).self) { try SocketAddress.makeAddressResolvingHost("not..valid", port: 80) }
        #expect(unresolved is SocketAddressError.UnknownHost)
        #expect(said(try #require(unresolved)).contains("set BMM_HOSTNAME (or --hostname) to an address of this machine"))
        #expect(said(IOError(errnoCode: EADDRNOTAVAIL, reason: "bind")).contains("set BMM_HOSTNAME (or --hostname) to an address of this machine"))
        #expect(said(TemplateError(file: "/tmp/Views", line: 0, message: TemplateError.noViewsFolder)).contains("set BMM_ROOT"))
        // anything else keeps its whole description for the bug report
        struct Unexpected: Error {}
        #expect(said(Unexpected()).contains("Unexpected"))
    }
}
