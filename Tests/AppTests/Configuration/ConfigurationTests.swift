@testable import App
import Core
import Foundation
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test("development works with no variables: SQLite in the data folder, generated keys")
    func developmentDefaults() throws {
        // given an empty environment apart from a fresh data folder
        let data = try makeTemporaryDirectory()
        // when
        let config = try AppConfig.load(environment: ["BMM_DATA_DIR": data], rootDirectory: packageRoot)
        // then
        #expect(config.mode == .development)
        #expect(config.database == .sqlite(path: data + "/bmm.sqlite"))
        #expect(config.publicURL == "http://127.0.0.1:8080")
        #expect(config.autoMigrate)
        #expect(Data(base64Encoded: config.encryptionKey)?.count == 32)
        #expect(config.sessionSecret.count == 64)
        // and the generated keys survive a restart, readable only by the owner
        let again = try AppConfig.load(environment: ["BMM_DATA_DIR": data], rootDirectory: packageRoot)
        #expect(again.sessionSecret == config.sessionSecret)
        let attributes = try FileManager.default.attributesOfItem(atPath: data + "/dev-keys.json")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }

    @Test("production refuses to start and names every missing secret")
    func productionNeedsSecrets() {
        do {
            _ = try AppConfig.load(environment: ["BMM_ENV": "production"], rootDirectory: packageRoot)
            Issue.record("production started without secrets")
        } catch let error as ConfigError {
            let text = error.description
            #expect(text.contains("BMM_SESSION_SECRET is required in production (at least 32 random characters"))
            #expect(text.contains("BMM_ENCRYPTION_KEY"))
            #expect(text.contains("BMM_PUBLIC_URL is required"))
            // one problem per missing setting: a missing URL is not also "not https"
            #expect(!text.contains("must use https"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("the public URL is kept in its normal form; a port out of range or a host not in ASCII is refused")
    func publicURLNormalForm() throws {
        let data = try makeTemporaryDirectory()
        func load(_ url: String) throws -> AppConfig {
            try AppConfig.load(environment: ["BMM_DATA_DIR": data, "BMM_PUBLIC_URL": url], rootDirectory: packageRoot)
        }
        #expect(try load("HTTPS://Example.COM:443/").publicURL == "https://example.com")
        #expect(try load("http://MCP.example.com:80").publicURL == "http://mcp.example.com")
        #expect(try load("http://127.0.0.1:8080").publicURL == "http://127.0.0.1:8080")
        #expect(try load("http://[::1]:8080/").publicURL == "http://[::1]:8080")
        for refused in ["https://example.com:99999", "https://bücher.example"] {
            var problem: String?
            do { _ = try load(refused) } catch let error as ConfigError { problem = error.description }
            #expect(problem?.contains("BMM_PUBLIC_URL") == true, "\(refused)")
        }
        #expect(try load("https://xn--bcher-kva.example").publicURL == "https://xn--bcher-kva.example")
    }

    @Test("production with its secrets starts, on https only")
    func productionComplete() throws {
        var environment = [
            "BMM_ENV": "production",
            "BMM_PUBLIC_URL": "https://mcp.example.com/",
            "BMM_SESSION_SECRET": String(repeating: "ab", count: 32),
            "BMM_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(),
            "BMM_DATA_DIR": try makeTemporaryDirectory(),
        ]
        let config = try AppConfig.load(environment: environment, rootDirectory: packageRoot)
        #expect(config.isProduction)
        #expect(config.publicURL == "https://mcp.example.com")
        #expect(!config.autoMigrate)

        environment["BMM_PUBLIC_URL"] = "http://mcp.example.com"
        #expect(throws: ConfigError.self) { try AppConfig.load(environment: environment, rootDirectory: packageRoot) }
    }

    @Test("serve's --port, --hostname and --bind move the default public URL with the listener; a set BMM_PUBLIC_URL stays",
          arguments: [
              (["bmm", "serve", "--port", "8181"], "http://127.0.0.1:8181", 8181),
              (["bmm", "--port=8182"], "http://127.0.0.1:8182", 8182),
              (["bmm", "serve", "-p", "8183", "-H", "localhost"], "http://localhost:8183", 8183),
              (["bmm", "serve", "--bind", "127.0.0.1:8184"], "http://127.0.0.1:8184", 8184),
              (["bmm", "serve", "--hostname", "::1", "--port", "8185"], "http://[::1]:8185", 8185),
              (["bmm", "serve", "--bind", "[::1]:8186"], "http://[::1]:8186", 8186),
              (["bmm", "serve"], "http://127.0.0.1:8080", 8080),
          ])
    func listeningAddressFlags(arguments: [String], publicURL: String, port: Int) throws {
        var remaining = arguments
        var config = try testConfig()
        try CommandLineOptions.extract(from: &remaining).apply(to: &config)
        #expect(config.publicURL == publicURL)
        #expect(config.port == port)
        // Vapor reads the same flags to listen
        #expect(remaining == arguments)

        var explicit = ["bmm", "serve", "--port", "8181"]
        var set = try testConfig(environment: ["BMM_PUBLIC_URL": "https://mcp.example.com"])
        try CommandLineOptions.extract(from: &explicit).apply(to: &set)
        #expect(set.publicURL == "https://mcp.example.com" && set.port == 8181)
    }

    @Test("help is asked for by --help, -h or `bmm help`, in any position")
    func helpRequests() {
        #expect(CommandLineOptions.asksForHelp(["bmm", "--help"]))
        #expect(CommandLineOptions.asksForHelp(["bmm", "backup", "-h"]))
        #expect(CommandLineOptions.asksForHelp(["bmm", "help", "serve"]))
        #expect(!CommandLineOptions.asksForHelp(["bmm", "serve", "-H", "localhost"]))
        #expect(!CommandLineOptions.asksForHelp(["bmm"]))
    }

    @Test("bad values get clear errors", arguments: [
        (["BMM_ENV": "staging"], "BMM_ENV"),
        (["LOG_LEVEL": "loud"], "LOG_LEVEL must be one of"),
        (["BMM_CONTENT_DIR": "/nonexistent/docs"], "BMM_CONTENT_DIR names `/nonexistent/docs`, which is not a folder"),
        (["BMM_PORT": "eighty"], "BMM_PORT"),
        (["DATABASE_URL": "mysql://x"], "DATABASE_URL"),
        (["BMM_ENCRYPTION_KEY": "c2hvcnQ="], "32 bytes"),
        (["BMM_PUBLIC_URL": "ftp://x"], "BMM_PUBLIC_URL"),
        (["BMM_PUBLIC_URL": "https://"], "BMM_PUBLIC_URL must be an http(s) URL with a host"),
        (["BMM_PUBLIC_URL": "http://127.0.0.1:8199/sub"], "BMM_PUBLIC_URL must be only a scheme, host and port"),
        (["BMM_PUBLIC_URL": "https://user@mcp.example.com"], "BMM_PUBLIC_URL must be only a scheme, host and port"),
        (["BMM_PUBLIC_URL": "https://mcp.example.com/?x=1"], "BMM_PUBLIC_URL must be only a scheme, host and port"),
        (["BMM_SIGNIN_SENDS_PER_IP": "0"], "BMM_SIGNIN_SENDS_PER_IP"),
        (["BMM_SIGNIN_SENDS_PER_IP": "many"], "BMM_SIGNIN_SENDS_PER_IP"),
        (["BMM_OAUTH_REGISTRATIONS_PER_IP": "-3"], "BMM_OAUTH_REGISTRATIONS_PER_IP"),
        (["BMM_SANDBOX_ISOLATION": "tenant"], "BMM_SANDBOX_ISOLATION"),
        (["BMM_SANDBOX_JIT": "yes"], "BMM_SANDBOX_JIT"),
        (["BMM_SANDBOX_WARM_REALMS": "no"], "BMM_SANDBOX_WARM_REALMS must be 1 or on"),
        (["BMM_SANDBOX_WARM_REALMS": "true"], "BMM_SANDBOX_WARM_REALMS"),
        (["BMM_RUN_BUILDS": "no"], "BMM_RUN_BUILDS"),
        (["BMM_SANDBOX_USER": "bmm sandbox; rm"], "BMM_SANDBOX_USER"),
        (["BMM_SANDBOX_QUEUE_SECONDS": "soon"], "BMM_SANDBOX_QUEUE_SECONDS"),
        (["BMM_SANDBOX_QUEUE_SECONDS": "-1"], "BMM_SANDBOX_QUEUE_SECONDS"),
        (["BMM_SANDBOX_WORKERS": "0"], "BMM_SANDBOX_WORKERS"),
        (["BMM_TOOL_CALLS_PER_MINUTE": "0"], "BMM_TOOL_CALLS_PER_MINUTE must be a positive number of tool calls per minute, or off"),
        (["BMM_TOOL_CALLS_PER_MINUTE": "unlimited"], "BMM_TOOL_CALLS_PER_MINUTE"),
        (["BMM_TOOL_CALLS_PER_MINUTE": "1.5"], "BMM_TOOL_CALLS_PER_MINUTE"),
        (["BMM_BUILD_LEASE_SECONDS": "1"], "BMM_BUILD_LEASE_SECONDS must be a number of seconds from 3 to 600"),
        (["BMM_SHUTDOWN_GRACE_SECONDS": "soon"], "BMM_SHUTDOWN_GRACE_SECONDS"),
        (["BMM_CALL_LOG_DAYS": "0"], "BMM_CALL_LOG_DAYS must be a number of days from 1 to 3650, not `0`"),
        (["BMM_CALL_LOG_DAYS": "a month"], "BMM_CALL_LOG_DAYS"),
        (["BMM_IDLE_TIMEOUT_SECONDS": "0"], "BMM_IDLE_TIMEOUT_SECONDS must be a number of seconds from 1 to 3600"),
        (["BMM_OAUTH_APP_SCHEMES": "cursor,https"], "BMM_OAUTH_APP_SCHEMES must list private-use URI schemes"),
        (["BMM_OAUTH_APP_SCHEMES": "java script"], "BMM_OAUTH_APP_SCHEMES"),
        (["BMM_MCP_BROWSER_ORIGINS": "http://localhost:6274/inspector"], "BMM_MCP_BROWSER_ORIGINS must list origins such as http://localhost:6274"),
        (["BMM_MCP_BROWSER_ORIGINS": "*,http://localhost:6274"], "not `*`"),
        (["BMM_MCP_BROWSER_ORIGINS": "localhost:6274"], "BMM_MCP_BROWSER_ORIGINS"),
        (["ANTHROPIC_API_KEY": "sk-ant-test", "ANTHROPIC_BASE_URL": "http://llm-gateway.example.com"],
         "ANTHROPIC_BASE_URL must be an https URL (plain http only on loopback)"),
        (["OPENAI_BASE_URL": "http://gpu-box.example.com:8000/v1", "OPENAI_API_KEY": "sk-test"], "OPENAI_BASE_URL must be an https URL"),
        (["BMM_RELOAD": "sometimes"], "BMM_RELOAD must be on or off"),
        (["BMM_STRICT_TEMPLATES": "enabled"], "BMM_STRICT_TEMPLATES must be on or off"),
        (["OPENAI_API_KEY": "sk-test", "OPENAI_MODEL": "gpt-4o"], "OPENAI_API_KEY is set but OPENAI_BASE_URL is not"),
        (["ANTHROPIC_MODEL": "claude-haiku-4-5"], "ANTHROPIC_MODEL is set but ANTHROPIC_API_KEY is not"),
        (["STRIPE_WEBHOOK_SECRET": "whsec_x", "STRIPE_PRICE_PRO_MONTHLY": "price_x"],
         "STRIPE_WEBHOOK_SECRET, STRIPE_PRICE_PRO_MONTHLY are set but STRIPE_SECRET_KEY is not"),
        (["BMM_MAIL_PROVIDER": "resend", "RESEND_API_KEY": "re_x", "BMM_MAIL_FROM": "a@example.com", "RESEND_BASE_URL": "http://mail.example.com"],
         "RESEND_BASE_URL must be an https URL"),
        (["BMM_SMS_PROVIDER": "twilio", "TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_FROM": "+15550000000",
          "TWILIO_BASE_URL": "notaurl"], "TWILIO_BASE_URL must be an https URL"),
    ])
    func badValues(environment: [String: String], mention: String) throws {
        var full = environment
        full["BMM_DATA_DIR"] = try makeTemporaryDirectory()
        do {
            _ = try AppConfig.load(environment: full, rootDirectory: packageRoot)
            Issue.record("accepted \(environment)")
        } catch let error as ConfigError {
            #expect(error.description.contains(mention), "\(error)")
        }
    }

    @Test("on/off settings take on, off, 1, 0, true, false, yes or no; a data folder that is a file is named as BMM_DATA_DIR")
    func onOffAndDataFolder() throws {
        for (raw, reloads) in [("0", false), ("off", false), ("FALSE", false), ("no", false), ("on", true), ("1", true), ("yes", true)] {
            #expect(try testConfig(environment: ["BMM_RELOAD": raw]).reloadsFiles == reloads, "BMM_RELOAD=\(raw)")
        }
        #expect(try testConfig(environment: ["BMM_STRICT_TEMPLATES": "no"]).strictTemplates == false)
        #expect(try testConfig(environment: ["BMM_STRICT_TEMPLATES": "yes", "BMM_ENV": "production", "BMM_PUBLIC_URL": "https://mcp.example.com",
                                             "BMM_SESSION_SECRET": String(repeating: "s", count: 32),
                                             "BMM_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString()]).strictTemplates)
        let file = try makeTemporaryDirectory() + "/not-a-folder"
        try Data("x".utf8).write(to: URL(fileURLWithPath: file))
        for folder in [file, file + "/below"] {
            do {
                _ = try AppConfig.load(environment: ["BMM_DATA_DIR": folder], rootDirectory: packageRoot)
                Issue.record("accepted \(folder)")
            } catch let error as ConfigError {
                #expect(error.description.contains("cannot use \(folder) for data (BMM_DATA_DIR)"), "\(error)")
                #expect(!error.description.contains("NSCocoaErrorDomain"), "\(error)")
            }
        }
    }

    @Test("drafting: four minutes per draft by default; a keyless model server may be plain http on the network, one that gets a key may not")
    func drafting() throws {
        let data = try makeTemporaryDirectory()
        let defaults = try AppConfig.load(environment: ["BMM_DATA_DIR": data], rootDirectory: packageRoot)
        #expect(defaults.drafting.timeoutSeconds == 240)
        let local = try AppConfig.load(environment: ["BMM_DATA_DIR": data, "OPENAI_BASE_URL": "http://gpu-box.example.com:11434/v1"],
                                       rootDirectory: packageRoot)
        #expect(local.drafting.openAI?.baseURL == "http://gpu-box.example.com:11434/v1")
        let loopback = try AppConfig.load(environment: ["BMM_DATA_DIR": data, "ANTHROPIC_API_KEY": "sk-ant-test",
                                                        "ANTHROPIC_BASE_URL": "http://127.0.0.1:9000"], rootDirectory: packageRoot)
        #expect(loopback.drafting.anthropic?.baseURL == "http://127.0.0.1:9000")
    }

    @Test("no native-app redirect schemes unless BMM_OAUTH_APP_SCHEMES names them")
    func oauthAppSchemes() throws {
        let directory = try makeTemporaryDirectory()
        #expect(try AppConfig.load(environment: ["BMM_DATA_DIR": directory], rootDirectory: packageRoot).oauthAppSchemes.isEmpty)
        let named = try AppConfig.load(environment: ["BMM_DATA_DIR": directory, "BMM_OAUTH_APP_SCHEMES": " Cursor, com.example.app "], rootDirectory: packageRoot)
        #expect(named.oauthAppSchemes == ["cursor", "com.example.app"])
    }

    @Test("the rate-limit policy is read here, once: sign-in sends per address from BMM_SIGNIN_SENDS_PER_IP")
    func rateLimits() throws {
        // given
        let directory = try makeTemporaryDirectory()
        // when
        let raised = try AppConfig.load(environment: ["BMM_DATA_DIR": directory, "BMM_SIGNIN_SENDS_PER_IP": "500",
                                                      "BMM_OAUTH_REGISTRATIONS_PER_IP": "400"], rootDirectory: packageRoot)
        let standard = try AppConfig.load(environment: ["BMM_DATA_DIR": directory], rootDirectory: packageRoot)
        // then
        #expect(raised.rateLimits.signInSendsPerIP.limit == 500)
        #expect(raised.rateLimits.clientRegistrationsPerIP == RateLimitRule(limit: 400, window: 3600))
        #expect(standard.rateLimits == RateLimitPolicy())
    }

    @Test("tool calls per minute: the plan's figure unless BMM_TOOL_CALLS_PER_MINUTE names one or says off")
    func toolCalls() throws {
        let directory = try makeTemporaryDirectory()
        func load(_ value: String?) throws -> ToolCallLimit {
            var environment = ["BMM_DATA_DIR": directory]
            environment["BMM_TOOL_CALLS_PER_MINUTE"] = value
            return try AppConfig.load(environment: environment, rootDirectory: packageRoot).toolCalls
        }
        #expect(try load(nil) == .plan)
        #expect(try load("120") == .perMinute(120))
        #expect(try load("off") == .off)
        #expect(ToolCallLimit.plan.rule(for: PlanTable.team) == RateLimitRule(limit: 3_000, window: 60))
        #expect(ToolCallLimit.perMinute(5).rule(for: PlanTable.team) == RateLimitRule(limit: 5, window: 60))
        #expect(ToolCallLimit.off.rule(for: PlanTable.team) == nil)
        #expect(PlanTable.all.map(\.toolCallsPerMinute) == [60, 600, 3_000, 10_000])
    }

    @Test("sandbox workers default to the available cores; the queue deadline to 10 s unless BMM_SANDBOX_QUEUE_SECONDS names one")
    func sandboxPool() throws {
        let directory = try makeTemporaryDirectory()
        let standard = try AppConfig.load(environment: ["BMM_DATA_DIR": directory], rootDirectory: packageRoot)
        let set = try AppConfig.load(environment: ["BMM_DATA_DIR": directory, "BMM_SANDBOX_WORKERS": "3", "BMM_SANDBOX_QUEUE_SECONDS": "2.5"],
                                     rootDirectory: packageRoot)
        #expect(standard.sandboxWorkers == max(1, ProcessInfo.processInfo.activeProcessorCount))
        #expect(standard.sandboxQueueSeconds == 10)
        #expect(set.sandboxWorkers == 3)
        #expect(set.sandboxQueueSeconds == 2.5)
    }

    @Test("warm realms are on unless BMM_SANDBOX_WARM_REALMS is 0 or off", arguments: [
        (nil, true), ("1", true), ("on", true), ("0", false), ("off", false),
    ] as [(String?, Bool)])
    func sandboxWarmRealms(value: String?, expected: Bool) throws {
        var environment = ["BMM_DATA_DIR": try makeTemporaryDirectory()]
        environment["BMM_SANDBOX_WARM_REALMS"] = value
        let config = try AppConfig.load(environment: environment, rootDirectory: packageRoot)
        #expect(config.sandboxWarmRealms == expected)
    }

    @Test("DATABASE_URL switches to PostgreSQL")
    func postgresChoice() throws {
        let config = try AppConfig.load(
            environment: ["DATABASE_URL": "postgres://bmm:pw@127.0.0.1:5432/bmm", "BMM_DATA_DIR": try makeTemporaryDirectory()],
            rootDirectory: packageRoot
        )
        #expect(config.database == .postgres(url: "postgres://bmm:pw@127.0.0.1:5432/bmm"))
    }

    @Test("a malformed DATABASE_URL stops start-up naming the variable, never repeating the password",
          arguments: ["postgres://bmm:ab/cdSECRET+x=@127.0.0.1:55491/bmm", "postgres://bmm:pwSECRET#x@127.0.0.1/bmm", "postgres://u:SECRET@[bad", "postgres://"])
    func malformedDatabaseURL(url: String) throws {
        do {
            _ = try AppConfig.load(environment: ["DATABASE_URL": url, "BMM_DATA_DIR": try makeTemporaryDirectory()], rootDirectory: packageRoot)
            Issue.record("accepted \(url)")
        } catch let error as ConfigError {
            #expect(error.description.contains("DATABASE_URL is not a valid postgres://"), "\(error)")
            #expect(!error.description.contains("SECRET"))
        }
    }

    @Test("--base-url is held to BMM_PUBLIC_URL's rules: an http(s) origin, https in production")
    func baseURLChecked() throws {
        for bad in ["not a url", "ftp://example.test", "https://example.test/docs"] {
            var arguments = ["bmm", "export", "--out", "site", "--base-url", bad]
            var config = try testConfig()
            #expect(throws: ConfigError.self, "\(bad)") { try CommandLineOptions.extract(from: &arguments).apply(to: &config) }
        }
        var production = try AppConfig.load(environment: [
            "BMM_ENV": "production", "BMM_PUBLIC_URL": "https://mcp.example.com",
            "BMM_SESSION_SECRET": String(repeating: "ab", count: 32),
            "BMM_ENCRYPTION_KEY": Data(repeating: 7, count: 32).base64EncodedString(), "BMM_DATA_DIR": try makeTemporaryDirectory(),
        ], rootDirectory: packageRoot)
        var plain = ["bmm", "serve", "--base-url", "http://mcp.example.com"]
        #expect(throws: ConfigError.self) { try CommandLineOptions.extract(from: &plain).apply(to: &production) }
        #expect(production.publicURL == "https://mcp.example.com")
    }

    @Test("--content and --base-url are taken out of the command line and applied")
    func commandLineOptions() throws {
        // given
        var arguments = ["bmm", "export", "--out", "site", "--content", "corpus/src", "--base-url=https://docs.example.com/"]
        // when
        let options = try CommandLineOptions.extract(from: &arguments)
        var config = try testConfig()
        try options.apply(to: &config)
        // then
        #expect(arguments == ["bmm", "export", "--out", "site"])
        #expect(options.command == "export")
        #expect(config.docsDirectory == packageRoot + "/corpus/src")
        #expect(config.publicURL == "https://docs.example.com")
        #expect(!config.cachePages)
        #expect(!config.autoMigrate)
    }

    @Test("serve runs builds unless BMM_RUN_BUILDS=0 leaves them to bmm worker; one-off commands never do")
    func runsBuilds() throws {
        func runs(_ command: String, _ environment: [String: String]) throws -> Bool {
            var arguments = ["bmm", command]
            var config = try testConfig(environment: environment)
            try CommandLineOptions.extract(from: &arguments).apply(to: &config)
            return config.runsBuilds
        }
        #expect(try runs("serve", [:]))
        #expect(try runs("serve", ["BMM_RUN_BUILDS": "1"]))
        #expect(try !runs("serve", ["BMM_RUN_BUILDS": "0"]))
        #expect(try !runs("migrate", [:]))
        #expect(try !runs("worker", [:]))
        // every serve fails builds whose runner went silent, also when a worker runs them
        func watches(_ command: String, _ environment: [String: String]) throws -> Bool {
            var arguments = ["bmm", command]
            var config = try testConfig(environment: environment)
            try CommandLineOptions.extract(from: &arguments).apply(to: &config)
            return config.watchesBuildLeases
        }
        #expect(try watches("serve", ["BMM_RUN_BUILDS": "0"]))
        #expect(try !watches("migrate", [:]))
    }

    @Test("operations settings: the build lease and the shutdown grace, and which commands lock or open the database")
    func operationsSettings() throws {
        let defaults = try testConfig()
        #expect(defaults.buildLeaseTimeout == .seconds(30) && defaults.shutdownGrace == .seconds(20))
        let set = try testConfig(environment: ["BMM_BUILD_LEASE_SECONDS": "10", "BMM_SHUTDOWN_GRACE_SECONDS": "0"])
        #expect(set.buildLeaseTimeout == .seconds(10) && set.shutdownGrace == .zero)
        #expect(defaults.callLogDays == 30 && !defaults.prunesCallLog && !defaults.readsContextChanges && !defaults.sendsQueuedMail)
        #expect(try testConfig(environment: ["BMM_CALL_LOG_DAYS": "7"]).callLogDays == 7)
        for (command, locks, opens) in [("serve", true, true), ("worker", true, true), ("backup", false, true), ("restore", false, false)] {
            var arguments = ["bmm", command]
            var config = try testConfig()
            try CommandLineOptions.extract(from: &arguments).apply(to: &config)
            #expect(config.holdsDatabaseLock == locks, "\(command)")
            #expect(config.opensDatabaseAtStart == opens, "\(command)")
            #expect(config.autoMigrate == (command == "serve" || command == "worker"), "\(command)")
            #expect(config.prunesCallLog == (command == "serve"), "\(command)")
            #expect(config.readsContextChanges == (command == "serve"), "\(command)")
            #expect(config.sendsQueuedMail == (command == "serve"), "\(command)")
            #expect(config.reportsSandbox == locks, "\(command): only serve and worker log the sandbox's containment")
        }
    }

    @Test("an option without its value is an error")
    func missingOptionValue() {
        var arguments = ["bmm", "serve", "--content"]
        #expect(throws: ConfigError.self) { try CommandLineOptions.extract(from: &arguments) }
    }
}
