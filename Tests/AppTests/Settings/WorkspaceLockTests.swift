@testable import App
import Fluent
import Foundation
import Testing
import Vapor

@Suite("The workspace lock")
struct WorkspaceLockTests {
    @Test("a workspace deleted meanwhile is 401 with a message, where the write after it failed on a foreign key as 'slug taken'",
          arguments: TestDatabase.all)
    func deletedWorkspace(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (_, _) = try await AccountDataTests.signedIn(app)
            let existing = try #require(try await Organization.query(on: app.db).first()?.id)
            // the lock of a workspace that exists holds, and the transaction goes on
            try await app.db.writeTransaction { try await $0.lockWorkspace(existing) }
            // one that is gone stops it
            do {
                try await app.db.writeTransaction { try await $0.lockWorkspace(UUID()) }
                Issue.record("a missing workspace was locked")
            } catch let error as APIError {
                #expect(error.status == .unauthorized)
                #expect(error.reason.contains("no longer exists"))
            }
        }
    }
}
