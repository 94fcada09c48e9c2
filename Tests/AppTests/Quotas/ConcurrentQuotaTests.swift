@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Plan limits counted under the workspace's lock: requests sent together cannot pass a limit
/// that each would see as not yet reached, and a refused one leaves nothing behind.
@Suite("Quotas under concurrent requests: servers, builds, publishes and drafts stop at the plan's figure")
struct ConcurrentQuotaTests {
    static func together<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> T) async throws -> [T] {
        try await withThrowingTaskGroup(of: T.self) { group in
            for index in 0..<count { group.addTask { try await body(index) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    static func create(_ browser: BrowserSession, slug: String) async throws -> HTTPStatus {
        var spec = Hosting.calculator
        spec.slug = slug
        return try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec)]).status
    }

    @Test("20 creations at once on Hobby (2 servers): 2 servers, and no refused one left as a draft", arguments: TestDatabase.all)
    func servers(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let limit = try #require(PlanTable.hobby.maxServers)
            // when
            let statuses = try await Self.together(20) { try await Self.create(browser, slug: "race-\($0)") }
            // then
            #expect(statuses.filter { $0 == .created }.count == limit)
            #expect(statuses.allSatisfy { $0 == .created || $0 == .forbidden || $0 == .tooManyRequests || $0 == .paymentRequired }, "\(statuses)")
            #expect(try await HostedServer.query(on: app.db).count() == limit)
            #expect(try await Build.query(on: app.db).count() == limit)
        }
    }

    @Test("20 creations at once with 5 builds left today (Team): 5 builds, each with its server", arguments: TestDatabase.all)
    func builds(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Publishing.upgrade(browser)
            let organization = try await Workspaces.organizationID(browser)
            let used = UsageCounter()
            used.$organization.id = organization
            used.day = UsageService.day(app.clock.now())
            used.kind = UsageCounter.Kind.build.rawValue
            used.count = PlanTable.team.dailyBuilds - 5
            try await used.create(on: app.db)
            // when
            let statuses = try await Self.together(20) { try await Self.create(browser, slug: "build-race-\($0)") }
            // then
            #expect(statuses.filter { $0 == .created }.count == 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 15)
            #expect(try await Build.query(on: app.db).count() == 5)
            #expect(try await HostedServer.query(on: app.db).count() == 5, "a refused build leaves no server")
            let usage = UsageService(database: app.db, now: app.clock.now())
            #expect(try await usage.today(.build, organization: organization) == PlanTable.team.dailyBuilds)
        }
    }

    @Test("publishing more servers at once than the month allows (Hobby, 3): 3 templates", arguments: TestDatabase.all)
    func publishes(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Publishing.upgrade(browser)
            var servers: [UUID] = []
            for _ in 0..<6 { servers.append(try await Publishing.serverWithSecret(browser)) }
            let organization = try await QuotaSupport.organization(browser)
            organization.planOverride = PlanID.hobby.rawValue
            try await organization.save(on: app.db)
            let ids = servers
            // when
            let statuses = try await Self.together(ids.count) { try await Publishing.publish(browser, ids[$0], title: "Weather \($0)").status }
            // then
            #expect(statuses.filter { $0 == .created }.count == PlanTable.hobby.monthlyTemplatePublishes)
            #expect(try await Template.query(on: app.db).count() == PlanTable.hobby.monthlyTemplatePublishes)
        }
    }

    @Test("20 drafts at once against Hobby's 5 a day: the model is asked 5 times; a failed draft gives its place back",
          arguments: TestDatabase.all)
    func drafts(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let asked = ManagedAtomicCounter()
            app.useDrafter(ScriptedDrafter(steps: [.pause(.milliseconds(200)), .spec(Hosting.calculator)], onDraft: { asked.increment() }))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let limit = PlanTable.hobby.dailyDrafts
            // when
            let statuses = try await Self.together(20) {
                try await browser.postObject("/v1/servers/preview", ["prompt": "a calculator, variant \($0)"]).status
            }
            // then
            #expect(statuses.filter { $0 == .created }.count == limit)
            #expect(statuses.filter { $0 == .tooManyRequests }.count == 20 - limit)
            #expect(asked.value == limit)
            #expect(try await DraftingAPITests.draftsToday(app) == limit)
        }
    }

    @Test("a draft whose model fails, or whose stream ends early, is not counted", arguments: TestDatabase.all)
    func failedDraftsReleased(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.useDrafter(ScriptedDrafter(steps: [.text("{"), .fail(.timeout)]))
            let (browser, _) = try await AccountDataTests.signedIn(app)
            for index in 0..<(PlanTable.hobby.dailyDrafts + 2) {
                #expect(try await browser.postObject("/v1/servers/preview", ["prompt": "a calculator \(index)"]).status == .gatewayTimeout)
                let streamed = try await browser.postObject("/v1/servers/preview/stream", ["prompt": "a streamed calculator \(index)"])
                #expect(streamed.status == .ok && streamed.body.string.contains("event: error"))
            }
            #expect(try await DraftingAPITests.draftsToday(app) == 0)
            app.useDrafter(ScriptedDrafter(steps: [.spec(Hosting.calculator)]))
            #expect(try await browser.postObject("/v1/servers/preview", ["prompt": "now it works"]).status == .created)
        }
    }
}

/// A count that concurrent tasks raise.
final class ManagedAtomicCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}
