@testable import App
import Core
import Foundation
import Testing

/// The per-minute tool-call count shared by several instances through the database.
@Suite("Tool-call counts across instances")
struct ToolCallCounterTests {
    @Test("calls one instance sends after their minute ended count in that minute, not in the next one another instance opened",
          arguments: TestDatabase.all)
    func lateCallsCountInTheirOwnMinute(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given two instances, a limit of 10 a minute, and a key of its own
            let first = ToolCallCounter(), second = ToolCallCounter()
            let rule = RateLimitRule(limit: 10, window: 60)
            let key = "mcp-token:counter-test-" + UUID().uuidString
            let boundary = Date(timeIntervalSince1970: 60 * 29_500_000)

            // when the first admits 8 calls in a minute's last half second, the second opens the next minute before the
            // first has sent them, and the first sends them only then
            for _ in 0..<8 {
                #expect(try await first.admit([key], rule, now: boundary.addingTimeInterval(-0.4), database: app.db) == .admitted)
            }
            #expect(try await second.admit([key], rule, now: boundary.addingTimeInterval(0.01), database: app.db) == .admitted)
            try await second.exchange(on: app.db, now: boundary.addingTimeInterval(0.02))
            try await first.exchange(on: app.db, now: boundary.addingTimeInterval(0.1))

            // then the new minute still admits its 10 calls in all, and no more
            var admitted = 1
            for step in 1...12 {
                let now = boundary.addingTimeInterval(0.1 + Double(step))
                if try await second.admit([key], rule, now: now, database: app.db) == .admitted { admitted += 1 }
                try await second.exchange(on: app.db, now: now)
            }
            #expect(admitted == 10)
        }
    }
}
