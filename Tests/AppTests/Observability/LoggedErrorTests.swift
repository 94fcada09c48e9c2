@testable import App
import Fluent
import Foundation
import SQLKit
import Testing

@Suite("Logged errors leave out the values PostgreSQL quotes")
struct LoggedErrorTests {
    @Test("a unique violation is logged by code and constraint, not by the duplicate value")
    func uniqueViolation() async throws {
        guard case .postgres = TestDatabase.all.last else { return }
        try await withConfiguredApp(try testConfig(database: TestDatabase.all.last!)) { app in
            let value = "secret-\(UUID().uuidString)"
            let thrown: (any Error)? = await {
                do {
                    try await app.db.withConnection { connection in
                        let sql = connection as! any SQLDatabase
                        return sql.eventLoop.makeFutureWithTask {
                            try await sql.raw("CREATE TEMP TABLE logged_error_probe (v text UNIQUE)").run()
                            try await sql.raw("INSERT INTO logged_error_probe VALUES (\(bind: value))").run()
                            try await sql.raw("INSERT INTO logged_error_probe VALUES (\(bind: value))").run()
                        }
                    }.get()
                    return nil
                } catch {
                    return error
                }
            }()
            let error = try #require(thrown)
            #expect(String(reflecting: error).contains(value), "PostgreSQL's own description quotes the value")
            let logged = LoggedError.description(error)
            #expect(!logged.contains(value))
            #expect(logged.contains("23505"))
        }
    }
}
