import ConsoleKit
import Foundation
import NIOCore
import PostgresNIO
import Templating

/// What `bmm` prints when a command or the server cannot start: the mistake in the operator's words, naming the
/// setting or argument to change, instead of a Swift value (`.missingRequiredArgument("file")`) or a driver's
/// error dump. Errors it does not know keep their full description, which is what a bug report needs.
public enum StartupFailure {
    public static func message(for error: any Error, config: AppConfig) -> String {
        switch error {
        case let error as CommandError:
            return command(error)
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return "the database named by DATABASE_URL refused: \(message)\(state)"
            }
            return "could not reach the database named by DATABASE_URL (\(error.code)); check its host, port and that it accepts connections"
        case let error as IOError where error.errnoCode == EADDRINUSE:
            return "port \(config.port) on \(config.hostname) is already in use; stop what listens there or choose another with BMM_PORT or --port"
        case let error as IOError where error.errnoCode == EADDRNOTAVAIL:
            return cannotListen(config)
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            return cannotListen(config)
        case let error as TemplateError where error.message == TemplateError.noViewsFolder:
            return "no Views folder at \(error.file): run bmm from its installation folder (the one holding Views/, Public/ and Content/), or set BMM_ROOT to that folder"
        case let error as CocoaError where [.fileWriteFileExists, .fileWriteNoPermission, .fileNoSuchFile, .fileWriteUnknown].contains(error.code):
            let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? config.dataDirectory
            return "cannot use \(path) for data (BMM_DATA_DIR): \(error.localizedDescription)"
        default:
            return String(reflecting: error)
        }
    }

    private static func cannotListen(_ config: AppConfig) -> String {
        "cannot listen on \(config.hostname):\(config.port): set BMM_HOSTNAME (or --hostname) to an address of this machine, such as 127.0.0.1, ::1 or 0.0.0.0"
    }

    static func command(_ error: CommandError) -> String {
        switch error {
        case .missingCommand: "name a command; `bmm --help` lists them"
        case .unknownCommand(let name, let available):
            "unknown command `\(name)`; the commands are \(available.sorted().joined(separator: ", ")) (`bmm --help` says what each does)"
        case .missingRequiredArgument(let name): "missing \(name); `bmm <command> --help` shows what the command takes"
        case .invalidArgumentType(let name, let type): "\(name) must be \(typeName(type))"
        case .invalidOptionType(let name, let type): "--\(name) must be \(typeName(type))"
        case .unknownInput(let input): "unexpected `\(input)`; `bmm <command> --help` lists the options"
        }
    }

    private static func typeName(_ type: any Any.Type) -> String {
        switch type {
        case is Int.Type, is Int?.Type: "a whole number"
        case is Double.Type, is Double?.Type: "a number"
        default: "a \(type)"
        }
    }
}
