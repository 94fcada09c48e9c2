/// Options that change how the app is configured, so they must be read before
/// Vapor parses the command: `--content DIR` (docs folder, for `serve` and
/// `export`) and `--base-url URL` (canonical URL, mainly for `export`). `serve`'s
/// own `--hostname`, `--port` and `--bind` are read too (and left for Vapor), so the
/// default public URL follows the address the server really listens on.
public struct CommandLineOptions: Sendable, Equatable {
    public var content: String?
    public var baseURL: String?
    public var command: String?
    public var hostname: String?
    public var port: Int?

    /// `--help` or `-h` anywhere, or `bmm help`: usage is printed without configuring the app, so it works
    /// anywhere and touches no database.
    public static func asksForHelp(_ arguments: [String]) -> Bool {
        arguments.dropFirst().contains { $0 == "--help" || $0 == "-h" } || arguments.dropFirst().first == "help"
    }

    /// Reads and removes the options from `arguments` (`argv`, program name first).
    public static func extract(from arguments: inout [String]) throws -> CommandLineOptions {
        var options = CommandLineOptions()
        var remaining = [String]()
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let names = ["--content": \CommandLineOptions.content, "--base-url": \CommandLineOptions.baseURL]
            if let keyPath = names[argument] {
                guard index + 1 < arguments.count, !arguments[index + 1].hasPrefix("--") else {
                    throw ConfigError(problems: ["\(argument) needs a value"])
                }
                options[keyPath: keyPath] = arguments[index + 1]
                index += 2
                continue
            }
            if let (name, value) = split(argument), let keyPath = names[name] {
                options[keyPath: keyPath] = value
                index += 1
                continue
            }
            remaining.append(argument)
            index += 1
        }
        arguments = remaining
        options.command = remaining.dropFirst().first { !$0.hasPrefix("-") }
        if options.command == nil || options.command == "serve" {
            try options.readListeningAddress(remaining)
        }
        return options
    }

    /// Vapor's `serve` flags for the listening address, in any of their spellings; the last one given wins.
    private mutating func readListeningAddress(_ arguments: [String]) throws {
        var index = 1
        while index < arguments.count {
            let argument = arguments[index]
            let (name, inline) = Self.split(argument).map { ($0.0, Optional($0.1)) } ?? (argument, nil)
            guard ["--hostname", "-H", "--port", "-p", "--bind", "-b"].contains(name) else {
                index += 1
                continue
            }
            guard let value = inline ?? (index + 1 < arguments.count ? arguments[index + 1] : nil) else {
                throw ConfigError(problems: ["\(name) needs a value"])
            }
            switch name {
            case "--hostname", "-H":
                hostname = value
            case "--port", "-p":
                guard let number = AppConfig.portNumber(value) else {
                    throw ConfigError(problems: ["\(name) must be a port number, not `\(value)`"])
                }
                port = number
            default:
                // `host:port` or `[ipv6]:port`; a bare host keeps the port.
                guard let (host, portText) = Self.hostAndPort(value) else {
                    throw ConfigError(problems: ["\(name) must be host:port or [ipv6-address]:port, not `\(value)`"])
                }
                hostname = host
                if let portText {
                    guard let number = AppConfig.portNumber(portText) else {
                        throw ConfigError(problems: ["\(name) must be host:port or [ipv6-address]:port, not `\(value)`"])
                    }
                    port = number
                }
            }
            index += inline == nil ? 2 : 1
        }
    }

    /// `host`, `host:port`, `[ipv6]` or `[ipv6]:port`; nil for anything else.
    static func hostAndPort(_ value: String) -> (String, String?)? {
        if value.hasPrefix("[") {
            guard let close = value.firstIndex(of: "]") else { return nil }
            let host = String(value[value.index(after: value.startIndex)..<close])
            let rest = value[value.index(after: close)...]
            if rest.isEmpty { return host.isEmpty ? nil : (host, nil) }
            guard rest.hasPrefix(":"), !host.isEmpty else { return nil }
            return (host, String(rest.dropFirst()))
        }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: return parts[0].isEmpty ? nil : (parts[0], nil)
        case 2: return parts[0].isEmpty ? nil : (parts[0], parts[1])
        default: return nil // an IPv6 address needs its brackets to be told from its port
        }
    }

    private static func split(_ argument: String) -> (String, String)? {
        guard argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") else { return nil }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// Applies the options to `config`. Exports run without the page cache (each
    /// page is rendered once anyway) and without touching the database.
    public func apply(to config: inout AppConfig) throws {
        if let content {
            config.docsDirectory = AppConfig.absolute(content, relativeTo: config.rootDirectory)
        }
        if hostname != nil || port != nil {
            config.hostname = hostname ?? config.hostname
            config.port = port ?? config.port
            if config.publicURLIsDerived {
                config.publicURL = AppConfig.derivedPublicURL(hostname: config.hostname, port: config.port)
            }
        }
        if var baseURL {
            while baseURL.hasSuffix("/") { baseURL.removeLast() }
            // The same rules as BMM_PUBLIC_URL: --base-url must not be a way around production's https.
            if let problem = AppConfig.publicURLProblem(baseURL, named: "--base-url", requiresHTTPS: config.mode == .production) {
                throw ConfigError(problems: [problem])
            }
            config.publicURL = AppConfig.normalizedPublicURL(baseURL)
        }
        let serves = command == nil || command == "serve"
        // `serve` and `worker` run until stopped; every other command is one-off.
        let runsUntilStopped = serves || command == "worker"
        // Builds run beside `serve` unless the operator keeps them in `worker` (which runs
        // them regardless), never in one-off commands.
        config.runsBuilds = serves && config.serveRunsBuilds
        config.watchesBuildLeases = serves
        // Several instances may prune at once (their batches do not conflict); one-off commands never do.
        config.prunesCallLog = serves
        // Only the process answering MCP calls uses the server contexts it would renew.
        config.readsContextChanges = serves
        // Several instances may send at once (each claims its email); one-off commands never do.
        config.sendsQueuedMail = serves
        config.reportsSandbox = runsUntilStopped
        // Only `serve` watches files: an export must never carry the reload script.
        config.reloadsFiles = config.reloadsFiles && serves
        if command == "export" {
            config.cachePages = false
            config.autoMigrate = false
            config.isStaticExport = true
        }
        if command == "migrate" || command == "backup" {
            config.autoMigrate = false
        }
        config.holdsDatabaseLock = runsUntilStopped
        // Processes that serve or build need every migration; without auto-migration (production) they check.
        config.requiresMigratedDatabase = runsUntilStopped
        if command == "restore" {
            config.autoMigrate = false
            config.opensDatabaseAtStart = false
        }
    }
}
