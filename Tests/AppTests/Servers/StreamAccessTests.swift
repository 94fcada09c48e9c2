@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

/// Long-lived streams end when their reader's access does: removing a member, revoking a token.
@Suite("Open streams end with the access that opened them")
struct StreamAccessTests {
    /// `body`'s result if it finishes within `seconds`, else nil (it is left running: an in-memory
    /// request ignores cancellation, and the app's shutdown ends the stream).
    static func within<T: Sendable>(_ seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T? {
        let task = Task { try await body() }
        let finished = NIOLockedValueBox(false)
        Task { _ = try? await task.value; finished.withLockedValue { $0 = true } }
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if finished.withLockedValue({ $0 }) { return try await task.value }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    @Test("the live call log of a member who is removed ends within seconds, not after five minutes", arguments: TestDatabase.all)
    func callLogEnds(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(owner)
            let memberEmail = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$role == "member").first())
            // when the member's stream is open and the owner removes them
            async let ended = Self.within(10) { try await member.get("/v1/servers/\(server.uuidString.lowercased())/calls/stream").status }
            try await Task.sleep(for: .milliseconds(500))
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
            #expect(try await owner.postForm("/settings/members/\(membership.id!)/remove", ["csrf": csrf]).status == .seeOther)
            // then the stream ends (it would otherwise run for 300 s)
            #expect(try await ended == .ok)
        }
    }

    @Test("the build log of a member who is removed ends within seconds, not after two minutes", arguments: TestDatabase.all)
    func buildLogEnds(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            // a build that stays queued: nothing drains the queue in this test
            let created = try await owner.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(Hosting.calculator)])
            let server = try #require(try AccountDataTests.json(created)["id"] as? String)
            let build = try #require(try await Build.query(on: app.db).first()?.id)
            let memberEmail = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, memberEmail), as: memberEmail)
            let membership = try #require(try await Membership.query(on: app.db).filter(\.$role == "member").first())
            // when the member follows the build and the owner removes them
            async let ended = Self.within(10) { try await member.get("/v1/servers/\(server)/builds/\(build)/log").status }
            try await Task.sleep(for: .milliseconds(500))
            let csrf = try #require(BrowserSession.csrfField(in: try await owner.get("/settings").body.string))
            #expect(try await owner.postForm("/settings/members/\(membership.id!)/remove", ["csrf": csrf]).status == .seeOther)
            // then the stream ends (it would otherwise follow the queued build for 120 s)
            #expect(try await ended == .ok)
            #expect(try await Build.find(build, on: app.db)?.status == .queued)
        }
    }

    @Test("an MCP notification stream ends at its next keepalive once its token is revoked", arguments: TestDatabase.all)
    func notificationStreamEnds(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let old = app.hosting
            app.hosting = HostingEnvironment(sandbox: old.sandbox, egress: old.egress, extraAllowedCIDRs: old.extraAllowedCIDRs,
                                             limits: old.limits, buildSignal: old.buildSignal, calls: old.calls, contexts: old.contexts,
                                             toolLists: ToolListWatch(keepaliveInterval: .milliseconds(300)) { servers in
                                                 try await HostedServer.liveVersions(of: servers, on: app.db)
                                             },
                                             toolCalls: old.toolCalls)
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(browser)
            let created = try await browser.postObject("/v1/tokens", ["name": "listener"])
            let token = try #require(try AccountDataTests.json(created)["token"] as? String)
            let tokenID = try #require(try AccountDataTests.json(created)["id"] as? String)
            let client = try await MCPConformanceTests.initialized(
                MCPEndpointTests.Client(app: app, path: SiteRoute.mcp(.value(server)).path, token: token))
            let session = try #require(client.session)
            // when the session's GET stream is open and the token is revoked
            async let ended = Self.within(10) {
                try await app.testing().sendRequest(.GET, client.path, headers: [
                    "Accept": "text/event-stream", "Authorization": "Bearer \(token)", "MCP-Session-Id": session,
                    "MCP-Protocol-Version": "2025-11-25"]).status
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await browser.send(.DELETE, "/v1/tokens/\(tokenID)", headers: ["X-CSRF-Token": browser.csrfCookie ?? ""]).status == .noContent)
            // then the stream ends (it has no deadline of its own)
            #expect(try await ended == .ok)
            await app.hosting.toolLists.shutdown()
        }
    }
}
