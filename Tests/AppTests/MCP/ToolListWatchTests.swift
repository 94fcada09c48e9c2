@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@Suite("Tool list changes reach listening clients")
struct ToolListWatchTests {
    /// An upper bound only: events come within milliseconds, but the whole suite shares two
    /// cores, and a stall of the shared threads (seen in CI, over 10 s) must not read as a lost
    /// event. How fast delivery is, is measured by Benchmarks/mcp-listeners, not here.
    static let patience: Duration = .seconds(60)

    /// Collects a stream's events as they come. (Racing `next()` against a timer would not
    /// do: cancelling a task that waits on an AsyncStream ends the stream.)
    final class Collector: Sendable {
        private let events = NIOLockedValueBox<[ToolListWatch.Event]>([])
        private let ended = NIOLockedValueBox(false)

        init(_ stream: AsyncStream<ToolListWatch.Event>) {
            Task { [events, ended] in
                for await event in stream { events.withLockedValue { $0.append(event) } }
                ended.withLockedValue { $0 = true }
            }
        }

        var hasEnded: Bool { ended.withLockedValue { $0 } }

        /// Waits up to `limit` for the next event and takes it; nil when none came.
        func next(within limit: Duration) async -> ToolListWatch.Event? {
            let deadline = ContinuousClock.now + limit
            while ContinuousClock.now < deadline {
                if let event = events.withLockedValue({ $0.isEmpty ? nil : $0.removeFirst() }) { return event }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }
    }

    @Test("a change of live version is announced once, to every listener of that server only; dropped listeners are forgotten")
    func announces() async throws {
        let live = NIOLockedValueBox<[UUID: UUID?]>([:])
        let (a, b) = (UUID(), UUID())
        let v1 = UUID()
        live.withLockedValue { $0 = [a: v1, b: v1] }
        let watch = ToolListWatch(interval: .milliseconds(20), keepaliveInterval: .seconds(60)) { servers in
            live.withLockedValue { all in all.filter { servers.contains($0.key) } }
        }
        let first = Collector(watch.listen(to: a, liveVersion: v1))
        let second = Collector(watch.listen(to: a, liveVersion: v1))
        let other = Collector(watch.listen(to: b, liveVersion: v1))
        #expect(watch.listenerCount == 3)
        #expect(await first.next(within: .milliseconds(200)) == nil, "nothing changed yet")

        live.withLockedValue { $0[a] = UUID() }
        #expect(await first.next(within: Self.patience) == .toolsChanged)
        #expect(await second.next(within: Self.patience) == .toolsChanged)
        #expect(await other.next(within: .milliseconds(200)) == nil, "another server's listeners hear nothing")
        #expect(await first.next(within: .milliseconds(200)) == nil, "announced once")

        // a deleted server's streams end
        live.withLockedValue { $0[b] = nil }
        // the poller notices at its next round; under a loaded test run that can take longer than one interval
        let deadline = ContinuousClock.now + .seconds(5)
        while !other.hasEnded && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(other.hasEnded)
        #expect(watch.listenerCount == 2)

        await watch.shutdown()
        #expect(watch.listenerCount == 0)
        try await Task.sleep(for: .milliseconds(50))
        #expect(first.hasEnded && second.hasEnded, "shutdown ends every stream")
    }

    @Test("a session with several streams hears each change on its newest stream only; other sessions and stateless streams still hear it")
    func oneStreamPerSession() async throws {
        let live = NIOLockedValueBox<[UUID: UUID?]>([:])
        let server = UUID()
        let v1 = UUID()
        live.withLockedValue { $0 = [server: v1] }
        let watch = ToolListWatch(interval: .milliseconds(20), keepaliveInterval: .milliseconds(300)) { servers in
            live.withLockedValue { all in all.filter { servers.contains($0.key) } }
        }
        // given two streams of session "s1", one of "s2" and one 2026-style stream without a session
        let older = Collector(watch.listen(to: server, liveVersion: v1, session: "s1"))
        let newer = Collector(watch.listen(to: server, liveVersion: v1, session: "s1"))
        let otherSession = Collector(watch.listen(to: server, liveVersion: v1, session: "s2"))
        let sessionless = Collector(watch.listen(to: server, liveVersion: v1))
        // when the live version changes
        live.withLockedValue { $0[server] = UUID() }
        // then the message goes out once per session (transports: "MUST NOT broadcast the same message across multiple streams")
        #expect(await newer.next(within: Self.patience) == .toolsChanged)
        #expect(await otherSession.next(within: Self.patience) == .toolsChanged)
        #expect(await sessionless.next(within: Self.patience) == .toolsChanged)
        // its first event is a keepalive (every 300 ms here), never the notification; waited for as long as the
        // others, because a loaded test run can stretch the poller's ticks well past their interval
        let heardByOlder = await older.next(within: Self.patience)
        #expect(heardByOlder == .keepalive, "the older stream of the session gets keepalives, not the notification")
        await watch.shutdown()
    }

    @Test("idle streams get keepalives, so a client that went away is noticed")
    func keepalives() async {
        let watch = ToolListWatch(interval: .milliseconds(20), keepaliveInterval: .milliseconds(100)) { servers in
            Dictionary(uniqueKeysWithValues: servers.map { ($0, UUID?.none) })
        }
        let events = Collector(watch.listen(to: UUID(), liveVersion: nil))
        #expect(await events.next(within: Self.patience) == .keepalive)
        await watch.shutdown()
    }

    @Test("a version activated through another instance reaches this instance's listeners", arguments: TestDatabase.all)
    func acrossInstances(database: TestDatabase) async throws {
        let config = try testConfig(database: database)
        try await withConfiguredApp(config) { here in
            try await withConfiguredApp(config) { there in
                // given a live server and a listener on this instance
                let (_, id) = try await MCPEndpointTests.setUp(here)
                let server = try #require(try await HostedServer.find(id, on: here.db))
                let events = Collector(here.hosting.toolLists.listen(to: id, liveVersion: server.activeVersionID))
                // when another instance makes a second version live
                let first = try #require(try await ServerVersion.find(server.activeVersionID, on: there.db))
                let second = ServerVersion()
                second.$server.id = id
                second.$organization.id = first.$organization.id
                second.number = 2
                second.specJSON = first.specJSON
                second.createdAt = Date()
                try await second.create(on: there.db)
                let moved = try #require(try await HostedServer.find(id, on: there.db))
                moved.activeVersionID = second.id
                try await moved.save(on: there.db)
                // then the listener here hears of it within a second
                #expect(await events.next(within: Self.patience) == .toolsChanged)
            }
        }
    }
}
