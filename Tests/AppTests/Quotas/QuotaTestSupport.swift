@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Steps the quota tests share.
enum QuotaSupport {
    static func organization(_ browser: BrowserSession) async throws -> Organization {
        try #require(try await Organization.find(try await Workspaces.organizationID(browser), on: browser.app.db))
    }

    /// Adds `calls` to the workspace's rollup on `day`, as a month of real calls would have.
    static func recordCalls(_ app: Application, organization: UUID, server: UUID, day: String, calls: Int) async throws {
        let row = ToolCallDay()
        row.$organization.id = organization
        row.serverID = server
        row.day = day
        row.calls = Int64(calls)
        row.errors = 0
        try await row.create(on: app.db)
    }

    /// The signed-in person as the services see them.
    static func current(_ browser: BrowserSession) async throws -> CurrentUser {
        let organization = try await organization(browser)
        let me = try AccountDataTests.json(try await browser.get("/v1/auth/me"))
        let userID = try #require(UUID(uuidString: (me["user"] as? [String: Any])?["id"] as? String ?? ""))
        let user = try #require(try await User.find(userID, on: browser.app.db))
        return CurrentUser(user: user, organization: organization, session: nil, apiToken: nil,
                           plan: browser.app.config.plans.plan(for: organization))
    }

    static func suspend(_ app: Application, _ organization: Organization, at date: Date?) async throws {
        organization.billingSuspendedAt = date
        try await organization.save(on: app.db)
    }
}
