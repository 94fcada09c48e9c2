@testable import App
import ConsoleKit
import Foundation
import NIOCore
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
        // anything else keeps its whole description for the bug report
        struct Unexpected: Error {}
        #expect(said(Unexpected()).contains("Unexpected"))
    }
}
