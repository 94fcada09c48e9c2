@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

/// The repository root, found from this file so tests do not depend on the
/// working directory.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}()

/// The databases every database test runs on: SQLite always, PostgreSQL when
/// `BMM_TEST_POSTGRES_URL` is set (CI sets it; `BMM_REQUIRE_POSTGRES=1` makes its
/// absence a failure instead of a silent skip).
enum TestDatabase: CustomStringConvertible, Sendable {
    case sqlite
    case postgres(String)

    static var all: [TestDatabase] {
        var databases: [TestDatabase] = [.sqlite]
        if let url = ProcessInfo.processInfo.environment["BMM_TEST_POSTGRES_URL"], !url.isEmpty {
            databases.append(.postgres(url))
        }
        return databases
    }

    var description: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}

func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "bmm-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A configuration like development's, isolated in a temporary data folder.
func testConfig(
    database: TestDatabase = .sqlite,
    environment extra: [String: String] = [:]
) throws -> AppConfig {
    // Reloading is `bmm serve`'s; the tests that need it turn it on.
    // Hobby, the smallest plan, unless a test says otherwise: quota tests count against its limits. Billing is
    // off in tests (no STRIPE_SECRET_KEY), so this is every workspace's plan; `""` restores the product default.
    var environment = ["BMM_DATA_DIR": try makeTemporaryDirectory(), "BMM_RELOAD": "off", "BMM_DEFAULT_PLAN": "hobby"]
    if case .postgres(let url) = database {
        // A schema of its own per test: tests run in parallel on one PostgreSQL database.
        environment["DATABASE_URL"] = url
        environment["BMM_DATABASE_SCHEMA"] = "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
    }
    environment.merge(extra) { _, new in new }
    return try AppConfig.load(environment: environment, rootDirectory: packageRoot)
}

/// Runs `body` with a fully configured application (the same `configure` as `bmm`).
@discardableResult
func withConfiguredApp<T>(
    _ config: AppConfig,
    _ body: (Application) async throws -> T
) async throws -> T {
    guard case .postgres = config.database else { return try await runConfiguredApp(config, body) }
    await TestGate.postgres.enter()
    do {
        let result = try await runConfiguredApp(config, body)
        await TestGate.postgres.leave()
        return result
    } catch {
        await TestGate.postgres.leave()
        throw error
    }
}

private func runConfiguredApp<T>(
    _ config: AppConfig,
    _ body: (Application) async throws -> T
) async throws -> T {
    let app = try await Application.make(.testing)
    let result: T
    do {
        try await configure(app, config: config)
        result = try await body(app)
    } catch {
        try? await app.asyncShutdown()
        throw error
    }
    try await app.asyncShutdown()
    return result
}

/// Lets a bounded number of apps run at once. Every PostgreSQL app holds a pool of
/// up to one connection per event loop, and the server refuses clients beyond
/// `max_connections` (100 by default, shared with anything else using it), so
/// starting every PostgreSQL test at once fails with "too many clients already".
actor TestGate {
    /// About 32 connections of PostgreSQL's 100, whatever the core count.
    static let postgres = TestGate(limit: max(1, 32 / System.coreCount))

    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        self.limit = limit
    }

    func enter() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    /// Hands the place straight to the next waiter, if any.
    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}

/// The shared app for read-only page tests: configured once, never shut down
/// (its pages depend only on the repository's content).
func get(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
    try await app.testing().sendRequest(.GET, path, headers: headers)
}

/// A console that records what a command prints.
final class CapturingConsole: Console, @unchecked Sendable {
    private(set) var output = ""
    var userInfo: [AnySendableHashable: any Sendable] = [:]
    var size: (width: Int, height: Int) { (120, 40) }

    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { output += text.description + (newLine ? "\n" : "") }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { output += error + (newLine ? "\n" : "") }
}
