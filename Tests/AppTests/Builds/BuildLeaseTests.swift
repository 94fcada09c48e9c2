@testable import App
import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

/// Running builds are leased: a runner that stops beating loses its builds to whichever
/// runner notices, and only those; a shutdown fails what it leaves behind.
@Suite("Builds: leases, abandoned builds, shutdown")
struct BuildLeaseTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let time = NIOLockedValueBox(Date(timeIntervalSince1970: 1_900_000_000))
        func advance(_ seconds: TimeInterval) { time.withLockedValue { $0 += seconds } }
        var clock: AppClock { AppClock { self.time.withLockedValue { $0 } } }
    }

    static func createQueued(_ browser: BrowserSession, slug: String) async throws -> UUID {
        var spec = Hosting.calculator
        spec.slug = slug
        let response = try await browser.postObject("/v1/servers", ["spec": try ServersAPITests.specObject(spec)])
        return try #require((try AccountDataTests.json(response)["id"] as? String).flatMap { UUID(uuidString: $0) })
    }

    @Test("a build whose runner went silent is failed with the reason after the lease; one that beats is left; a retry builds", arguments: TestDatabase.all)
    func abandonedBuild(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let time = ManualClock()
            app.clock = time.clock
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let live = try await Hosting.createAndBuild(browser)
            let other = try await Self.createQueued(browser, slug: "other")
            let queue = BuildQueue(database: app.db, now: app.clock.now)
            let server = try #require(try await HostedServer.find(live, on: app.db))
            _ = try await queue.enqueue(Hosting.calculator, for: server, by: nil, plan: PlanTable.enterprise)
            // given both builds claimed by runners in other processes
            let first = try #require(try await queue.claim())
            let second = try #require(try await queue.claim())
            let (abandoned, beating) = first.$server.id == live ? (first, second) : (second, first)
            // when one runner keeps beating and the other has been silent for longer than the lease
            time.advance(20)
            try await queue.heartbeat(beating.id!)
            time.advance(15)
            let failed = try await queue.failAbandoned(silentFor: .seconds(30))
            // then only the silent one fails, with the reason in its log, and its server keeps its live version
            #expect(failed == 1)
            let after = try #require(try await Build.find(abandoned.id, on: app.db))
            #expect(after.status == .failed)
            #expect(after.error == BuildQueue.abandonedReason)
            let lines = try await queue.lines(of: abandoned.id!).map(\.message)
            #expect(lines.last?.contains("the process running this build stopped") == true)
            #expect(try await HostedServer.find(live, on: app.db)?.status == .active)
            #expect(try await Build.find(beating.id, on: app.db)?.status == .running)
            #expect(try await HostedServer.find(other, on: app.db)?.status == .building)
            // and a second sweep (another runner) changes nothing
            #expect(try await queue.failAbandoned(silentFor: .seconds(30)) == 0)
            #expect(try await queue.lines(of: abandoned.id!).count == lines.count)
            // when the owner builds again
            _ = try await queue.enqueue(Hosting.calculator, for: server, by: nil, plan: PlanTable.enterprise)
            try await BuildRunner(app: app).drain()
            // then the retry succeeds and the build that still beats was not touched
            let latest = try #require(try await queue.latest(of: server))
            #expect(latest.status == .succeeded)
            #expect(latest.versionNumber == 2)
            #expect(try await Build.find(beating.id, on: app.db)?.status == .running)
        }
    }

    @Test("a build with no heartbeat at all (claimed before leases existed) is judged by when it started", arguments: TestDatabase.all)
    func buildWithoutHeartbeat(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let time = ManualClock()
            app.clock = time.clock
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Self.createQueued(browser, slug: "old")
            let queue = BuildQueue(database: app.db, now: app.clock.now)
            let claimed = try #require(try await queue.claim())
            #expect(try await queue.claim() == nil, "a claimed build is not handed out twice")
            claimed.heartbeatAt = nil
            try await claimed.save(on: app.db)
            #expect(try await queue.failAbandoned(silentFor: .seconds(30)) == 0)
            time.advance(31)
            #expect(try await queue.failAbandoned(silentFor: .seconds(30)) == 1)
            #expect(try await HostedServer.find(id, on: app.db)?.status == .failed)
        }
    }

    @Test("a runner that stops fails the builds it holds with \"the server shut down\", leaving none running", arguments: TestDatabase.all)
    func shutdownFailsHeldBuilds(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Self.createQueued(browser, slug: "stopping")
            let runner = BuildRunner(app: app)
            // given a build this runner holds and cannot finish in time: its next step comes after the shutdown
            let claimed = try #require(try await runner.queue.claim())
            let task = Task {
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(10)) }
                await runner.run(claimed)
            }
            runner.current.insert(claimed.id!, task)
            // when
            await runner.stop(within: .zero)
            // then the build's task was cancelled and has returned (the databases may close now), having written nothing more
            #expect(task.isCancelled)
            let build = try #require(try await Build.find(claimed.id, on: app.db))
            #expect(build.status == .failed)
            #expect(build.error == BuildQueue.shutDownReason)
            #expect(try await runner.queue.lines(of: claimed.id!).last?.message == "Build failed: the server shut down. Build again to retry.")
            #expect(try await HostedServer.find(id, on: app.db)?.status == .failed)
            #expect(try await Build.query(on: app.db).filter(\.$status == .running).count() == 0)
        }
    }

    @Test("a stalled runner that finishes after its build was failed does not overwrite the failure, make a version or say one is live",
          arguments: TestDatabase.all)
    func lateFinishKeepsFailure(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let time = ManualClock()
            app.clock = time.clock
            let (browser, _) = try await AccountDataTests.signedIn(app)
            _ = try await Self.createQueued(browser, slug: "stalled")
            let queue = BuildQueue(database: app.db, now: app.clock.now)
            let claimed = try #require(try await queue.claim())
            time.advance(60)
            try await queue.failAbandoned(silentFor: .seconds(30))
            // when the stalled runner wakes and reports success
            let version = try await queue.finish(claimed, error: nil, activating: true)
            // then
            #expect(version == nil)
            #expect(try await Build.find(claimed.id, on: app.db)?.status == .failed)
            #expect(try await ServerVersion.query(on: app.db).filter(\.$server.$id == claimed.$server.id).count() == 0)
            #expect(try await queue.lines(of: claimed.id!).allSatisfy { !$0.message.contains("is live") })
        }
    }

    @Test("one server's builds run one at a time in the order asked for, whichever runner claims them; other servers' do not wait",
          arguments: TestDatabase.all)
    func oneServerAtATime(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given two builds of one server (an older and a newer spec) and then one of another server
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Workspaces.allowMembers(browser)  // Team: servers and builds enough
            let live = try #require(try await HostedServer.find(try await Hosting.createAndBuild(browser), on: app.db))
            let queue = BuildQueue(database: app.db, now: app.clock.now)
            let older = try await queue.enqueue(ServerVersionsAPITests.doubled(Hosting.calculator), for: live, by: nil, plan: PlanTable.enterprise)
            var newerSpec = ServerVersionsAPITests.doubled(Hosting.calculator)
            newerSpec.name = "Newer"
            let newer = try await queue.enqueue(newerSpec, for: live, by: nil, plan: PlanTable.enterprise)
            let other = try await Self.createQueued(browser, slug: "other")

            // when runners claim while the first is still running
            let first = try #require(try await queue.claim())
            let second = try #require(try await queue.claim())

            // then the newer build waits for the older; the other server's goes ahead, and nothing else is handed out
            #expect(first.id == older.id)
            #expect(second.$server.id == other)
            #expect(try await queue.claim() == nil)
            // when the older one finishes, the newer is next, and each makes its version in order: the newer serves
            #expect(try await queue.finish(first, error: nil, activating: true)?.number == 2)
            let third = try #require(try await queue.claim())
            #expect(third.id == newer.id)
            #expect(try await queue.finish(third, error: nil, activating: true)?.number == 3)
            let serving = try #require(try await HostedServer.find(live.id, on: app.db)).activeVersionID
            #expect(try await ServerVersion.find(serving, on: app.db).map { try SpecJSON.decode($0.specJSON) } == newerSpec)
        }
    }
}
