import Core
import Egress
import FluentPostgresDriver
import Foundation
import Logging
import Sandbox

/// Everything the app reads from its environment, read once at start-up.
/// Development works with no variables at all; production refuses to start
/// without its secrets (see `ConfigError`).
public struct AppConfig: Sendable {
    public enum Mode: String, Sendable {
        case development
        case production
    }

    public enum LogFormat: String, Sendable {
        case text
        case json
    }

    public enum DatabaseChoice: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public var mode: Mode
    /// Folder holding `Views/`, `Public/` and `Content/`.
    public var rootDirectory: String
    public var dataDirectory: String
    public var database: DatabaseChoice
    /// PostgreSQL schema for every table (`BMM_DATABASE_SCHEMA`); `nil` uses `public`.
    /// Lets several environments share one database; created when missing.
    public var databaseSchema: String?
    /// Canonical base URL without a trailing slash, e.g. `https://buildmymcpserver.com`.
    public var publicURL: String
    /// Whether `publicURL` was worked out from the listening address (no `BMM_PUBLIC_URL`), so that
    /// `serve --port` moves it too.
    public var publicURLIsDerived = false
    /// Set for `serve` and `worker`: without auto-migration they refuse a database missing a migration.
    public var requiresMigratedDatabase = false
    public var hostname: String
    public var port: Int
    /// Root of the Markdown content (`docs/`, `changelog/`, `legal/`).
    public var contentDirectory: String
    /// Folder of docs pages; defaults to `<contentDirectory>/docs`.
    public var docsDirectory: String
    /// The Leaf templates (`BMM_VIEWS_DIR`, default `<root>/Views`).
    public var viewsDirectory: String
    /// A name a template uses that its view model lacks is an error, not an empty spot
    /// (`BMM_STRICT_TEMPLATES`, default on in development, off in production).
    public var strictTemplates: Bool
    /// Watch the views, content and assets and rebuild on change (`serve` in development
    /// unless `BMM_RELOAD=off`; never in production or other commands).
    public var reloadsFiles: Bool
    public var sessionSecret: String
    public var encryptionKey: String
    /// Older encryption keys that still open stored secrets until `bmm secrets rotate`.
    public var previousEncryptionKeys: [String]
    /// Run pending migrations while configuring (development default).
    public var autoMigrate: Bool
    /// Keep rendered public pages in memory (they depend only on content and config).
    public var cachePages: Bool
    public var mail: MailSettings
    public var sms: SMSSettings
    public var drafting: DraftingSettings
    /// Private ranges an operator opens to tool fetches (`BMM_EGRESS_ALLOW_CIDRS`).
    public var egressAllowCIDRs: String
    /// Sandbox worker processes (`BMM_SANDBOX_WORKERS`, default one per available core).
    public var sandboxWorkers: Int
    /// The account sandbox workers switch to when the app is root (`BMM_SANDBOX_USER`).
    public var sandboxUser: String?
    /// JavaScriptCore's JIT in the workers (`BMM_SANDBOX_JIT=1`; off by default).
    public var sandboxJIT = false
    /// `BMM_SANDBOX_ISOLATION`: `shared` (default) or `workspace` (a worker per workspace).
    public var sandboxIsolation: SandboxIsolation = .shared
    /// How long a tool call waits for a free sandbox worker before it is answered 503
    /// (`BMM_SANDBOX_QUEUE_SECONDS`, default 10).
    public var sandboxQueueSeconds: Double = 10
    /// Sandbox workers keep a ready context per server version between its calls
    /// (`BMM_SANDBOX_WARM_REALMS`, on by default; `0` or `off` runs every call in a fresh context).
    public var sandboxWarmRealms = true
    /// Run the build queue in this process (`serve`; tests drain it themselves).
    public var runsBuilds = false
    /// Fail builds whose runner went silent, here as well as in the runners: a `serve` that leaves builds to
    /// `bmm worker` processes still clears a build whose only worker died (`serve`).
    public var watchesBuildLeases = false
    /// Whether `serve` may run builds at all (`BMM_RUN_BUILDS`, default 1). `0` leaves them to
    /// `bmm worker` processes, so web instances only queue them.
    public var serveRunsBuilds = true
    /// How long a SQLite statement waits for another connection's write lock before it fails
    /// (503 `database_busy`). Shorter than the connection pool's 10 s so a stuck writer shows
    /// up as that error, not as requests queueing behind it.
    public var sqliteBusyTimeout: Duration = .seconds(5)
    /// How long a running build's heartbeat may be silent before any runner fails it as
    /// abandoned (`BMM_BUILD_LEASE_SECONDS`, default 30).
    public var buildLeaseTimeout: Duration = .seconds(30)
    /// `serve` and `worker` hold the SQLite file's lock for their lifetime (see `DatabaseFileLock`).
    public var holdsDatabaseLock = false
    /// `restore` replaces the database file, so start-up must not open it (no pragmas, no migrations).
    public var opensDatabaseAtStart = true
    /// `export` writes the public site as files without a database: its sitemap lists no templates.
    public var isStaticExport = false
    /// On SIGTERM: how long in-flight requests, tool calls and a running build get to finish
    /// (`BMM_SHUTDOWN_GRACE_SECONDS`, default 20).
    public var shutdownGrace: Duration = .seconds(20)
    /// How long a connection may neither read nor write before it is closed (`BMM_IDLE_TIMEOUT_SECONDS`;
    /// by default 75 s, or the draft timeout plus 15 s when that is longer: `ConnectionLimits`).
    public var idleTimeout: Duration?
    /// Days of tool-call log kept (`BMM_CALL_LOG_DAYS`, default 30); the daily totals stay (`CallLogPruning`).
    public var callLogDays = 30
    /// Whether this process prunes the call log (`serve` only).
    public var prunesCallLog = false
    /// Whether this process reads the change feed into its server context cache (`serve` only, `startServerContextFeed`).
    public var readsContextChanges = false
    /// Whether this process sends queued email (`serve` only, `startMailQueue`).
    public var sendsQueuedMail = false
    /// Logs the sandbox's containment at start: `serve` and `worker`, which run tool code, not
    /// one-off commands (a nightly `bmm backup` would print six lines and a warning every time).
    public var reportsSandbox = false
    /// Reverse proxies whose `Forwarded`/`X-Forwarded-*` headers are believed (`BMM_TRUSTED_PROXIES`, CIDRs).
    public var trustedProxies: [CIDR] = []
    /// Origins besides the public URL's that may post forms and call `/mcp` from a browser (`BMM_ALLOWED_ORIGINS`).
    public var allowedOrigins: [String] = []
    /// Pages of browser-based MCP clients (the MCP Inspector, a web app) that may call hosted `/mcp`
    /// endpoints and read the answers (`BMM_MCP_BROWSER_ORIGINS`): origins, or `*` for any page.
    public var mcpBrowserOrigins = BrowserClientOrigins.none
    /// Private-use redirect URI schemes of native apps that may register as OAuth clients
    /// (`BMM_OAUTH_APP_SCHEMES`, e.g. `cursor`). None by default: the MCP authorization
    /// specification and SECURITY.md 21 allow only https and loopback http.
    public var oauthAppSchemes: Set<String> = []
    /// Every rate limit; sign-in sends per address from `BMM_SIGNIN_SENDS_PER_IP`.
    public var rateLimits = RateLimitPolicy()
    /// Tool calls per minute per token and per server: the plan's figure unless `BMM_TOOL_CALLS_PER_MINUTE` says otherwise.
    public var toolCalls: ToolCallLimit = .plan
    /// `BMM_LOG_FORMAT`: Vapor's text lines (default) or one JSON object per line.
    public var logFormat: LogFormat = .text
    /// `BMM_METRICS_TOKEN`: a bearer token that reads `/metrics` from anywhere (loopback needs none).
    public var metricsToken: String?
    /// Stripe billing, or off (`BillingSettings.off`: every workspace on `BMM_DEFAULT_PLAN`).
    public var billing: BillingSettings = .off

    public var isProduction: Bool { mode == .production }
    /// `https` or `http`, from the public URL.
    public var publicScheme: String { publicURL.hasPrefix("https://") ? "https" : "http" }
    /// The CSS, scripts and icons served under `/assets/`.
    public var publicDirectory: String { (rootDirectory as NSString).appendingPathComponent("Public") }
}

/// Which LLM providers draft specs. With none configured the offline drafter answers.
public struct DraftingSettings: Sendable, Equatable {
    public struct Anthropic: Sendable, Equatable {
        public var apiKey: String
        public var baseURL: String
        /// Used for plans whose drafting model is not a Claude model when no
        /// OpenAI-compatible endpoint is configured.
        public var fallbackModel: String
    }

    public struct OpenAICompatible: Sendable, Equatable {
        public var baseURL: String
        public var apiKey: String?
        /// Replaces the plan's model (local servers name their own models).
        public var model: String?
    }

    public var anthropic: Anthropic?
    public var openAI: OpenAICompatible?
    /// Hard limit for one draft, connect to last byte.
    public var timeoutSeconds: Double
}

/// How sign-in emails leave: kept in the outbox (default) or sent by a provider.
public enum MailSettings: Sendable, Equatable {
    case outbox
    case resend(apiKey: String, from: String, baseURL: String)
    case postmark(serverToken: String, from: String, baseURL: String)
}

/// How sign-in codes leave: kept in the outbox (default) or sent by Twilio.
public enum SMSSettings: Sendable, Equatable {
    case outbox
    case twilio(accountSID: String, authToken: String, from: String?, messagingServiceSID: String?, baseURL: String)
}

extension AppConfig {
    /// Why `url` cannot be the site's public URL, or nil: the site is served at the root of one http(s) origin, so a
    /// path, query, fragment or user name would make every link, cookie and OAuth address it builds wrong.
    public static func publicURLProblem(_ url: String, named name: String, requiresHTTPS: Bool) -> String? {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = parts.host, !host.isEmpty
        else { return "\(name) must be an http(s) URL with a host, such as https://mcp.example.com, not `\(url.prefix(200))`" }
        if parts.user != nil || parts.password != nil || parts.query != nil || parts.fragment != nil || !(parts.path.isEmpty || parts.path == "/") {
            return "\(name) must be only a scheme, host and port (the site is served at the root), not `\(url.prefix(200))`"
        }
        if requiresHTTPS && scheme != "https" { return "\(name) must use https in production" }
        if let port = parts.port, !(1...65535).contains(port) { return "\(name) names port \(port); a port is 1 to 65535" }
        // Read from the text as written: `host` decodes an xn-- name into Unicode.
        if !url.unicodeScalars.allSatisfy(\.isASCII) {
            return "\(name) must name its host in ASCII: write an internationalized domain in its xn-- form (links and the sitemap need it)"
        }
        return nil
    }

    /// `url` (which `publicURLProblem` accepted) in its normal form (RFC 3986 §6.2.2.1, §6.2.3): scheme and host in
    /// lower case, no default port, no trailing slash. Every link, canonical address and sitemap entry is built on it.
    public static func normalizedPublicURL(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.scheme = parts.scheme?.lowercased()
        parts.encodedHost = parts.encodedHost?.lowercased()
        if (parts.scheme == "https" && parts.port == 443) || (parts.scheme == "http" && parts.port == 80) { parts.port = nil }
        parts.path = ""
        return parts.string ?? url
    }
}

public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var problems: [String]

    public var description: String {
        "configuration is incomplete:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension AppConfig {
    /// Reads the configuration from `environment`. In development, missing secrets
    /// are generated once into the data directory so restarts keep sessions valid.
    public static func load(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        rootDirectory: String? = nil
    ) throws -> AppConfig {
        func value(_ key: String) -> String? {
            guard let raw = environment[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        var problems: [String] = []

        let modeName = value("BMM_ENV") ?? "development"
        guard let mode = Mode(rawValue: modeName) else {
            throw ConfigError(problems: ["BMM_ENV must be `development` or `production`, not `\(modeName)`"])
        }
        let root = rootDirectory ?? value("BMM_ROOT") ?? defaultRoot()
        let dataDirectory = absolute(value("BMM_DATA_DIR") ?? "data", relativeTo: root)

        let database: DatabaseChoice
        if let url = value("DATABASE_URL") {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ConfigError(problems: ["DATABASE_URL must be a postgres:// URL (leave it unset for SQLite)"])
            }
            // Parsed here so a malformed one stops start-up naming the variable; the value, which holds the
            // password, is never repeated.
            guard (try? SQLPostgresConfiguration(url: url)) != nil else {
                throw ConfigError(problems: ["DATABASE_URL is not a valid postgres://user:password@host:port/database URL; percent-encode any / + = # ? @ : in the user name and password"])
            }
            database = .postgres(url: url)
        } else {
            database = .sqlite(path: (dataDirectory as NSString).appendingPathComponent("bmm.sqlite"))
        }

        let databaseSchema = value("BMM_DATABASE_SCHEMA")
        if let schema = databaseSchema, !schema.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) || databaseSchema?.first?.isNumber == true {
            problems.append("BMM_DATABASE_SCHEMA may only hold letters, digits and `_`, and must not start with a digit")
        }

        var port = 8080
        if let rawPort = value("BMM_PORT") {
            guard let parsed = portNumber(rawPort) else {
                throw ConfigError(problems: ["BMM_PORT must be a port number, not `\(rawPort)`"])
            }
            port = parsed
        }
        let hostname = value("BMM_HOSTNAME") ?? "127.0.0.1"

        var publicURL = value("BMM_PUBLIC_URL") ?? derivedPublicURL(hostname: hostname, port: port)
        while publicURL.hasSuffix("/") { publicURL.removeLast() }
        if let problem = publicURLProblem(publicURL, named: "BMM_PUBLIC_URL", requiresHTTPS: mode == .production && value("BMM_PUBLIC_URL") != nil) {
            problems.append(problem)
        } else {
            publicURL = normalizedPublicURL(publicURL)
        }

        let contentDirectory = absolute(value("BMM_CONTENT_ROOT") ?? "Content", relativeTo: root)
        let docsDirectory = value("BMM_CONTENT_DIR").map { absolute($0, relativeTo: root) } ?? (contentDirectory as NSString).appendingPathComponent("docs")
        let viewsDirectory = absolute(value("BMM_VIEWS_DIR") ?? "Views", relativeTo: root)
        // A folder named on purpose that is not there is a mistake to stop at, not a site without docs.
        for (key, folder) in [("BMM_CONTENT_ROOT", contentDirectory), ("BMM_CONTENT_DIR", docsDirectory)] where value(key) != nil {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) || !isDirectory.boolValue {
                problems.append("\(key) names `\(folder)`, which is not a folder")
            }
        }
        if let level = value("LOG_LEVEL"), Logger.Level(rawValue: level.lowercased()) == nil {
            problems.append("LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical, not `\(level)`")
        }
        func onOff(_ key: String, default fallback: Bool) -> Bool {
            guard let raw = value(key) else { return fallback }
            switch raw.lowercased() {
            case "1", "on", "true", "yes": return true
            case "0", "off", "false", "no": return false
            default:
                problems.append("\(key) must be on or off (also 1/0, true/false, yes/no), not `\(raw)`")
                return fallback
            }
        }
        let strictTemplates = onOff("BMM_STRICT_TEMPLATES", default: mode == .development)
        let reload = onOff("BMM_RELOAD", default: true)

        var sessionSecret = value("BMM_SESSION_SECRET")
        var encryptionKey = value("BMM_ENCRYPTION_KEY")
        if mode == .production {
            if value("BMM_PUBLIC_URL") == nil { problems.append("BMM_PUBLIC_URL is required in production (the canonical https URL)") }
            if sessionSecret == nil { problems.append("BMM_SESSION_SECRET is required in production (at least 32 random characters, e.g. `openssl rand -base64 32`)") }
            if encryptionKey == nil { problems.append("BMM_ENCRYPTION_KEY is required in production (32 bytes, base64)") }
        }
        if let key = encryptionKey, Data(base64Encoded: key)?.count != 32 {
            problems.append("BMM_ENCRYPTION_KEY must be 32 bytes encoded as base64")
        }
        if let secret = sessionSecret, secret.utf8.count < 32 {
            problems.append("BMM_SESSION_SECRET must be at least 32 characters")
        }
        let mail = mailSettings(value, problems: &problems)
        let sms = smsSettings(value, problems: &problems)
        let drafting = draftingSettings(value, problems: &problems)
        var sandboxWorkers = SandboxPool.defaultWorkerCount
        if let raw = value("BMM_SANDBOX_WORKERS") {
            if let parsed = Int(raw), (1...64).contains(parsed) { sandboxWorkers = parsed } else {
                problems.append("BMM_SANDBOX_WORKERS must be a number from 1 to 64")
            }
        }
        func seconds(_ key: String, default fallback: Int, range: ClosedRange<Int>) -> Duration {
            guard let raw = value(key) else { return .seconds(fallback) }
            guard let parsed = Int(raw), range.contains(parsed) else {
                problems.append("\(key) must be a number of seconds from \(range.lowerBound) to \(range.upperBound)")
                return .seconds(fallback)
            }
            return .seconds(parsed)
        }
        let buildLeaseTimeout = seconds("BMM_BUILD_LEASE_SECONDS", default: 30, range: 3...600)
        let shutdownGrace = seconds("BMM_SHUTDOWN_GRACE_SECONDS", default: 20, range: 0...600)
        let idleTimeout = value("BMM_IDLE_TIMEOUT_SECONDS") == nil ? nil : seconds("BMM_IDLE_TIMEOUT_SECONDS", default: 75, range: 1...3600)
        var callLogDays = 30
        if let raw = value("BMM_CALL_LOG_DAYS") {
            if let parsed = Int(raw), (1...3650).contains(parsed) { callLogDays = parsed } else {
                problems.append("BMM_CALL_LOG_DAYS must be a number of days from 1 to 3650, not `\(raw)`")
            }
        }
        var sandboxQueueSeconds = 10.0
        if let raw = value("BMM_SANDBOX_QUEUE_SECONDS") {
            if let parsed = Double(raw), (0...300).contains(parsed) { sandboxQueueSeconds = parsed } else {
                problems.append("BMM_SANDBOX_QUEUE_SECONDS must be a number of seconds from 0 to 300")
            }
        }
        var sandboxJIT = false
        switch value("BMM_SANDBOX_JIT") {
        case nil, "0": break
        case "1": sandboxJIT = true
        default: problems.append("BMM_SANDBOX_JIT must be 0 or 1")
        }
        var sandboxWarmRealms = true
        switch value("BMM_SANDBOX_WARM_REALMS") {
        case nil, "1", "on": break
        case "0", "off": sandboxWarmRealms = false
        default: problems.append("BMM_SANDBOX_WARM_REALMS must be 1 or on (the default: a warm context per server version) or 0 or off (a fresh context per call)")
        }
        var serveRunsBuilds = true
        switch value("BMM_RUN_BUILDS") {
        case nil, "1": break
        case "0": serveRunsBuilds = false
        default: problems.append("BMM_RUN_BUILDS must be 0 (builds run only in `bmm worker`) or 1")
        }
        var sandboxIsolation = SandboxIsolation.shared
        if let raw = value("BMM_SANDBOX_ISOLATION") {
            if let parsed = SandboxIsolation(rawValue: raw) { sandboxIsolation = parsed } else {
                problems.append("BMM_SANDBOX_ISOLATION must be `shared` or `workspace`")
            }
        }
        let sandboxUser = value("BMM_SANDBOX_USER")
        if let sandboxUser, sandboxUser.isEmpty || sandboxUser.contains(where: { !($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            problems.append("BMM_SANDBOX_USER must be an account name (letters, digits, -, _ and .)")
        }
        var rateLimits = RateLimitPolicy()
        if let raw = value("BMM_SIGNIN_SENDS_PER_IP") {
            if let parsed = Int(raw), parsed > 0 { rateLimits = RateLimitPolicy(signInSendsPerIP: parsed) } else {
                problems.append("BMM_SIGNIN_SENDS_PER_IP must be a positive number")
            }
        }
        if let raw = value("BMM_OAUTH_REGISTRATIONS_PER_IP") {
            if let parsed = Int(raw), parsed > 0 { rateLimits.clientRegistrationsPerIP = RateLimitRule(limit: parsed, window: 3600) } else {
                problems.append("BMM_OAUTH_REGISTRATIONS_PER_IP must be a positive number of OAuth client registrations per hour (got `\(raw)`)")
            }
        }
        var toolCalls = ToolCallLimit.plan
        if let raw = value("BMM_TOOL_CALLS_PER_MINUTE") {
            if let parsed = ToolCallLimit(setting: raw) { toolCalls = parsed } else {
                problems.append("BMM_TOOL_CALLS_PER_MINUTE must be a positive number of tool calls per minute, or off (got `\(raw)`)")
            }
        }
        var trustedProxies: [CIDR] = []
        do {
            trustedProxies = try CIDR.parseList(value("BMM_TRUSTED_PROXIES") ?? "")
        } catch {
            problems.append("BMM_TRUSTED_PROXIES must be a comma-separated list of CIDRs such as 10.0.0.0/8: `\(error.entry)` \(error.reason)")
        }
        let (allowedOrigins, refusedOrigins) = SiteOrigins.parseList(value("BMM_ALLOWED_ORIGINS") ?? "")
        for origin in refusedOrigins {
            problems.append("BMM_ALLOWED_ORIGINS must list origins such as https://mcp.example.com (scheme and host, no path), not `\(origin)`")
        }
        let mcpBrowserOrigins = BrowserClientOrigins.parse(value("BMM_MCP_BROWSER_ORIGINS") ?? "")
        for origin in mcpBrowserOrigins.refused {
            problems.append("BMM_MCP_BROWSER_ORIGINS must list origins such as http://localhost:6274 (scheme and host, no path), or be *, not `\(origin)`")
        }
        let oauthAppSchemes = Set((value("BMM_OAUTH_APP_SCHEMES") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty })
        for scheme in oauthAppSchemes where !RedirectURIRule.isAppScheme(scheme) {
            problems.append("BMM_OAUTH_APP_SCHEMES must list private-use URI schemes such as cursor or com.example.app (not http, https or a browser scheme), not `\(scheme)`")
        }
        let previousKeys = (value("BMM_PREVIOUS_ENCRYPTION_KEYS") ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if previousKeys.contains(where: { Data(base64Encoded: $0)?.count != 32 }) {
            problems.append("BMM_PREVIOUS_ENCRYPTION_KEYS must be a comma-separated list of 32-byte base64 keys")
        }
        var logFormat = LogFormat.text
        if let raw = value("BMM_LOG_FORMAT") {
            if let parsed = LogFormat(rawValue: raw) { logFormat = parsed } else {
                problems.append("BMM_LOG_FORMAT must be `text` or `json`")
            }
        }
        let metricsToken = value("BMM_METRICS_TOKEN")
        if let metricsToken, metricsToken.utf8.count < 32 {
            problems.append("BMM_METRICS_TOKEN must be at least 32 characters")
        }
        let billing = BillingSettings.load(value, production: mode == .production, problems: &problems)
        guard problems.isEmpty else { throw ConfigError(problems: problems) }

        if mode == .development {
            let keys: DevelopmentKeys
            do {
                keys = try DevelopmentKeys.loadOrCreate(in: dataDirectory)
            } catch {
                throw ConfigError(problems: ["cannot use \(dataDirectory) for data (BMM_DATA_DIR): \(Self.fileProblem(error))"])
            }
            sessionSecret = sessionSecret ?? keys.sessionSecret
            encryptionKey = encryptionKey ?? keys.encryptionKey
        }

        var config = AppConfig(
            mode: mode,
            rootDirectory: root,
            dataDirectory: dataDirectory,
            database: database,
            databaseSchema: databaseSchema,
            publicURL: publicURL,
            hostname: hostname,
            port: port,
            contentDirectory: contentDirectory,
            docsDirectory: docsDirectory,
            viewsDirectory: viewsDirectory,
            strictTemplates: strictTemplates,
            reloadsFiles: mode == .development && reload,
            sessionSecret: sessionSecret!,
            encryptionKey: encryptionKey!,
            previousEncryptionKeys: previousKeys,
            autoMigrate: mode == .development,
            cachePages: true,
            mail: mail,
            sms: sms,
            drafting: drafting,
            egressAllowCIDRs: value("BMM_EGRESS_ALLOW_CIDRS") ?? "",
            sandboxWorkers: sandboxWorkers,
            sandboxUser: sandboxUser,
            sandboxJIT: sandboxJIT,
            sandboxIsolation: sandboxIsolation,
            sandboxQueueSeconds: sandboxQueueSeconds,
            sandboxWarmRealms: sandboxWarmRealms,
            serveRunsBuilds: serveRunsBuilds,
            buildLeaseTimeout: buildLeaseTimeout,
            shutdownGrace: shutdownGrace,
            idleTimeout: idleTimeout,
            callLogDays: callLogDays,
            trustedProxies: trustedProxies,
            allowedOrigins: allowedOrigins,
            oauthAppSchemes: oauthAppSchemes,
            rateLimits: rateLimits,
            toolCalls: toolCalls,
            logFormat: logFormat,
            metricsToken: metricsToken,
            billing: billing
        )
        config.publicURLIsDerived = value("BMM_PUBLIC_URL") == nil
        config.mcpBrowserOrigins = mcpBrowserOrigins.origins
        return config
    }

    /// A TCP port from text (`BMM_PORT`, `serve --port`, `--bind host:port`), or nil.
    static func portNumber(_ text: String) -> Int? {
        Int(text).flatMap { (1...65535).contains($0) ? $0 : nil }
    }

    /// `http://host:port`, the public URL when `BMM_PUBLIC_URL` is not set (development); an IPv6 address in brackets.
    static func derivedPublicURL(hostname: String, port: Int) -> String {
        let host = hostname.contains(":") && !hostname.hasPrefix("[") ? "[\(hostname)]" : hostname
        return "http://\(host):\(port)"
    }

    /// A file system error in words: Foundation's own description is a dictionary dump.
    static func fileProblem(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey]
        if let posix = underlying as? POSIXError { return String(cString: strerror(posix.code.rawValue)).lowercased() }
        if let nsError = underlying as? NSError, nsError.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(nsError.code))).lowercased()
        }
        switch (error as? CocoaError)?.code {
        case .fileWriteFileExists?: return "a file of that name is in the way"
        case .fileWriteNoPermission?: return "permission denied"
        case .fileWriteUnknown?, .fileNoSuchFile?: return "it is not a folder that can be made or written (is part of the path a file?)"
        default: return (error as NSError).localizedDescription
        }
    }

    /// The folder holding `Views/`, `Public/` and `Content/` when `BMM_ROOT` is not set: the working directory
    /// (a checkout, or `/opt/bmm` under systemd), or else the binary's own folder, so that `bmm backup` from cron
    /// or any other directory finds an installation laid out as the deployment docs describe.
    static func defaultRoot(fileManager: FileManager = .default) -> String {
        let workingDirectory = fileManager.currentDirectoryPath
        func hasViews(_ folder: String) -> Bool {
            var isDirectory: ObjCBool = false
            return fileManager.fileExists(atPath: (folder as NSString).appendingPathComponent("Views"), isDirectory: &isDirectory)
                && isDirectory.boolValue
        }
        if hasViews(workingDirectory) { return workingDirectory }
        if let binary = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path, hasViews(binary) {
            return binary
        }
        return workingDirectory
    }

    private static func mailSettings(_ value: (String) -> String?, problems: inout [String]) -> MailSettings {
        func required(_ key: String) -> String {
            if let found = value(key) { return found }
            problems.append("\(key) is required when BMM_MAIL_PROVIDER is \(value("BMM_MAIL_PROVIDER") ?? "")")
            return ""
        }
        switch value("BMM_MAIL_PROVIDER") ?? "outbox" {
        case "outbox":
            return .outbox
        case "resend":
            return .resend(apiKey: required("RESEND_API_KEY"), from: required("BMM_MAIL_FROM"),
                           baseURL: serviceBaseURL("RESEND_BASE_URL", default: "https://api.resend.com", value, problems: &problems))
        case "postmark":
            return .postmark(serverToken: required("POSTMARK_SERVER_TOKEN"), from: required("BMM_MAIL_FROM"),
                             baseURL: serviceBaseURL("POSTMARK_BASE_URL", default: "https://api.postmarkapp.com", value, problems: &problems))
        case let other:
            problems.append("BMM_MAIL_PROVIDER must be outbox, resend or postmark, not `\(other)`")
            return .outbox
        }
    }

    /// A provider's base URL, checked here so that a mistake names its variable (`ServiceBaseURL`'s rules: https,
    /// plain http only on loopback, no credentials, query or fragment).
    private static func serviceBaseURL(_ key: String, default fallback: String, _ value: (String) -> String?, problems: inout [String]) -> String {
        guard let url = value(key) else { return fallback }
        do {
            _ = try ServiceBaseURL(url)
        } catch {
            problems.append("\(key) must be an https URL (plain http only on loopback) without credentials, query or fragment, not `\(url)`")
        }
        return url
    }

    private static func draftingSettings(_ value: (String) -> String?, problems: inout [String]) -> DraftingSettings {
        /// A URL a key is sent to must be https (plain http only on loopback), as for the other providers; a
        /// keyless OpenAI-compatible server (a model on the local network) may be plain http anywhere.
        func httpURL(_ key: String, default fallback: String, carriesKey: Bool) -> String {
            var url = value(key) ?? fallback
            while url.hasSuffix("/") { url.removeLast() }
            if URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true {
                problems.append("\(key) must be an http(s) URL")
            } else if carriesKey, (try? ServiceBaseURL(url)) == nil {
                problems.append("\(key) must be an https URL (plain http only on loopback): the API key would cross the network unencrypted")
            }
            return url
        }
        // Long enough for a model to write a large server at its usual pace (the Anthropic drafter allows 16,000
        // output tokens), and inside the reverse proxy's read timeout the deployment docs set (300 s).
        var timeout = 240.0
        if let raw = value("BMM_DRAFT_TIMEOUT_SECONDS") {
            if let parsed = Double(raw), parsed > 0, parsed <= 600 { timeout = parsed } else {
                problems.append("BMM_DRAFT_TIMEOUT_SECONDS must be a number of seconds between 0 and 600")
            }
        }
        // A setting whose switch is missing would be ignored without a word: the drafts would come from the offline catalog.
        if value("ANTHROPIC_API_KEY") == nil {
            for key in ["ANTHROPIC_BASE_URL", "ANTHROPIC_MODEL"] where value(key) != nil {
                problems.append("\(key) is set but ANTHROPIC_API_KEY is not: set the key to draft with Anthropic, or remove \(key)")
            }
        }
        if value("OPENAI_BASE_URL") == nil {
            for key in ["OPENAI_API_KEY", "OPENAI_MODEL"] where value(key) != nil {
                problems.append("\(key) is set but OPENAI_BASE_URL is not: set the server's URL to draft with an OpenAI-compatible model, or remove \(key)")
            }
        }
        let anthropic = value("ANTHROPIC_API_KEY").map {
            DraftingSettings.Anthropic(apiKey: $0, baseURL: httpURL("ANTHROPIC_BASE_URL", default: "https://api.anthropic.com", carriesKey: true),
                                       fallbackModel: value("ANTHROPIC_MODEL") ?? "claude-haiku-4-5")
        }
        let openAI = value("OPENAI_BASE_URL").map { _ in
            DraftingSettings.OpenAICompatible(baseURL: httpURL("OPENAI_BASE_URL", default: "", carriesKey: value("OPENAI_API_KEY") != nil),
                                              apiKey: value("OPENAI_API_KEY"),
                                              model: value("OPENAI_MODEL"))
        }
        return DraftingSettings(anthropic: anthropic, openAI: openAI, timeoutSeconds: timeout)
    }

    private static func smsSettings(_ value: (String) -> String?, problems: inout [String]) -> SMSSettings {
        switch value("BMM_SMS_PROVIDER") ?? "outbox" {
        case "outbox":
            return .outbox
        case "twilio":
            let sid = value("TWILIO_ACCOUNT_SID")
            let token = value("TWILIO_AUTH_TOKEN")
            let from = value("TWILIO_FROM")
            let service = value("TWILIO_MESSAGING_SERVICE_SID")
            if sid == nil { problems.append("TWILIO_ACCOUNT_SID is required when BMM_SMS_PROVIDER is twilio") }
            if token == nil { problems.append("TWILIO_AUTH_TOKEN is required when BMM_SMS_PROVIDER is twilio") }
            if from == nil && service == nil { problems.append("TWILIO_FROM or TWILIO_MESSAGING_SERVICE_SID is required when BMM_SMS_PROVIDER is twilio") }
            return .twilio(accountSID: sid ?? "", authToken: token ?? "", from: from, messagingServiceSID: service,
                           baseURL: serviceBaseURL("TWILIO_BASE_URL", default: "https://api.twilio.com", value, problems: &problems))
        case let other:
            problems.append("BMM_SMS_PROVIDER must be outbox or twilio, not `\(other)`")
            return .outbox
        }
    }

    static func absolute(_ path: String, relativeTo root: String) -> String {
        let expanded = (path as NSString).expandingTildeInPath
        let joined = expanded.hasPrefix("/") ? expanded : root + "/" + expanded
        return (joined as NSString).standardizingPath
    }
}
