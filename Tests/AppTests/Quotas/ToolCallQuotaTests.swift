@testable import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@Suite("Monthly tool calls: the daily rollup and the quota at the MCP endpoint")
struct ToolCallQuotaTests {
    typealias Client = MCPEndpointTests.Client

    /// 20 Nov 2026, noon UTC: a fixed clock, so the test's days and period do not depend on today.
    static let noon = Date(timeIntervalSince1970: 1_795_176_000)

    static func call(_ client: Client) async throws -> TestingHTTPResponse {
        try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 2]], name: "add")
    }

    @Test("the rollup matches the call log after flushes; flushes at once count every call once, and each returns with all of them written",
          arguments: TestDatabase.all)
    func rollup(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_TOOL_CALLS_PER_MINUTE": "off"])) { app in
            // given
            let (client, server) = try await MCPEndpointTests.setUp(app)
            for _ in 0..<7 { #expect(try await Self.call(client).status == .ok) }
            try await app.hosting.calls.flush(on: app.db)
            let bad = try await client.stateless("tools/call", ["name": "add", "arguments": ["a": "x"]], name: "add")
            #expect(bad.status == .ok)
            // when: recorded calls (several batches' worth) flushed by several flushes at once
            let recorder = app.hosting.calls
            let organization = try #require(try await HostedServer.find(server, on: app.db)).$organization.id
            for index in 0..<2_000 {
                recorder.add(ToolCallEntry(serverID: server, organizationID: organization, tool: "add", at: app.clock.now(),
                                           durationMilliseconds: 1, outcome: index % 4 == 0 ? "tool_error" : "ok", errorMessage: nil,
                                           bytesIn: 1, bytesOut: 1))
            }
            let seenAfterEachFlush = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await recorder.flush(on: app.db)
                        return try await ToolCallRecord.query(on: app.db).count()
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // then: a flush that found nothing waiting still returned only after the others' rows were in
            #expect(seenAfterEachFlush == [2_008, 2_008, 2_008, 2_008])
            let logged = try await ToolCallRecord.query(on: app.db).count()
            let loggedErrors = try await ToolCallRecord.query(on: app.db).filter(\.$outcome != "ok").count()
            let days = try await ToolCallDay.query(on: app.db).all()
            #expect(logged == 2_008)
            #expect(days.reduce(0) { $0 + Int($1.calls) } == logged)
            #expect(days.reduce(0) { $0 + Int($1.errors) } == loggedErrors)
            #expect(loggedErrors == 501)
            #expect(Set(days.map(\.serverID)) == [server])
        }
    }

    @Test("calls answered while their server was being deleted still count for the workspace: its days without a server",
          arguments: TestDatabase.all)
    func callsOfADeletedServerCount(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database, environment: ["BMM_TOOL_CALLS_PER_MINUTE": "off"])) { app in
            // given a server with calls already counted, and three more answered but not yet written
            let (client, server) = try await MCPEndpointTests.setUp(app)
            for _ in 0..<2 { #expect(try await Self.call(client).status == .ok) }
            try await app.hosting.calls.flush(on: app.db)
            let organization = try #require(try await HostedServer.find(server, on: app.db)).$organization.id
            for _ in 0..<3 {
                app.hosting.calls.add(ToolCallEntry(serverID: server, organizationID: organization, tool: "add", at: app.clock.now(),
                                                    durationMilliseconds: 1, outcome: "ok", errorMessage: nil, bytesIn: 1, bytesOut: 1))
            }
            // when the server is deleted before they are written
            try await HostedServer.query(on: app.db).filter(\.$id == server).delete()
            try await app.hosting.calls.flush(on: app.db)
            // then its call rows are gone, and all five calls still count this period
            #expect(try await ToolCallRecord.query(on: app.db).count() == 0)
            let period = QuotaPeriod(renewedAt: nil, now: app.clock.now())
            #expect(try await ToolCallDay.calls(organization: organization, in: period, on: app.db) == 5)
        }
    }

    @Test("at the plan's monthly calls the next call gets 429 quota_exceeded; other workspaces are unaffected; a new period allows calls",
          arguments: TestDatabase.all)
    func quota(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = AppClock { Self.noon }
            // given: a Hobby workspace whose month so far used all its calls but one
            let (client, server) = try await MCPEndpointTests.setUp(app)
            let organization = try #require(try await HostedServer.find(server, on: app.db)).$organization.id
            let limit = try #require(PlanTable.hobby.monthlyToolCalls)
            try await QuotaSupport.recordCalls(app, organization: organization, server: server, day: "2026-11-05", calls: limit - 1)
            let (other, _) = try await MCPEndpointTests.setUp(app)
            // when
            let last = try await Self.call(client)
            let refused = try await Self.call(client)
            // then
            #expect(last.status == .ok)
            #expect(refused.status == .tooManyRequests)
            let error = try MCPEndpointTests.error(refused)
            #expect(error["code"] as? Int == JSONRPC.rateLimited)
            let data = try #require(error["data"] as? [String: Any])
            #expect(data["error"] as? String == "quota_exceeded")
            #expect(data["plan"] as? String == "hobby")
            #expect((error["message"] as? String)?.contains("10,000 tool calls the Hobby plan includes") == true)
            // the wait runs to 1 December, 00:00 UTC
            let retryAfter = try #require(refused.headers.first(name: "Retry-After").flatMap(Int.init))
            #expect(retryAfter == 10 * 86_400 + 12 * 3600)
            #expect(data["retryAfterSeconds"] as? Int == retryAfter)
            #expect(try await Self.call(other).status == .ok)

            // when a paid renewal starts a new period on 15 November
            let workspace = try #require(try await Organization.find(organization, on: app.db))
            workspace.quotaPeriodStart = Date(timeIntervalSince1970: 1_795_176_000 - 5 * 86_400)
            try await workspace.save(on: app.db)
            app.hosting.contexts.invalidate(server)
            // then
            #expect(try await Self.call(client).status == .ok)
        }
    }

    @Test("a re-read of the month's calls keeps counting calls admitted before it that the database does not hold yet: still running, or waiting in the call log",
          arguments: TestDatabase.all)
    func rereadKeepsCallsInFlight(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = AppClock { Self.noon }
            // given a Hobby workspace with two calls left, and a count read afresh before every call
            let (_, server) = try await MCPEndpointTests.setUp(app)
            let organization = try #require(try await HostedServer.find(server, on: app.db)).$organization.id
            let limit = try #require(PlanTable.hobby.monthlyToolCalls)
            try await QuotaSupport.recordCalls(app, organization: organization, server: server, day: "2026-11-05", calls: limit - 2)
            let monthly = MonthlyToolCalls(refreshInterval: .zero)
            let recorder = CallRecorder()
            func admit() async throws -> Bool {
                try await monthly.admit(organization: organization, plan: PlanTable.hobby, renewedAt: nil, now: Self.noon, calls: recorder,
                                        database: app.db) == nil
            }
            // when two slow calls are admitted and still running
            #expect(try await admit())
            #expect(try await admit())
            // then a third is refused (the re-read once forgot the two and let two more through)
            #expect(try await !admit())
            // and so it stays while they wait in the call log, and once written
            for _ in 0..<2 {
                recorder.add(ToolCallEntry(serverID: server, organizationID: organization, tool: "add", at: Self.noon, durationMilliseconds: 1,
                                           outcome: "ok", errorMessage: nil, bytesIn: 1, bytesOut: 1))
                monthly.settled(organization: organization)
            }
            #expect(try await !admit())
            try await recorder.flush(on: app.db)
            #expect(try await !admit())
            #expect(try await ToolCallDay.calls(organization: organization, in: QuotaPeriod(renewedAt: nil, now: Self.noon), on: app.db) == limit)
        }
    }

    @Test("a plan without a monthly limit (Enterprise) is never refused", arguments: TestDatabase.all)
    func unlimited(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = AppClock { Self.noon }
            // given
            let (client, server) = try await MCPEndpointTests.setUp(app)
            let hosted = try #require(try await HostedServer.find(server, on: app.db))
            let workspace = try #require(try await Organization.find(hosted.$organization.id, on: app.db))
            workspace.planOverride = PlanID.enterprise.rawValue
            try await workspace.save(on: app.db)
            try await QuotaSupport.recordCalls(app, organization: workspace.id!, server: server, day: "2026-11-05", calls: 50_000_000)
            app.hosting.contexts.invalidate(server)
            // when / then
            #expect(try await Self.call(client).status == .ok)
        }
    }
}
