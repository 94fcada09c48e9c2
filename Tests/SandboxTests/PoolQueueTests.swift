import Core
import Foundation
import Testing
@testable import Sandbox

/// The queue in front of the workers: turns by workspace and server, a deadline, a bound,
/// cancellation, and workers that die under a call. Real worker processes throughout.
@Suite("Pool queue")
struct PoolQueueTests {
    /// Holds the pool's only worker on a fetch that waits for `gate`.
    static func hold(_ pool: SandboxPool, _ gate: GateFetcher, workspace: String? = nil) async -> Task<SandboxOutcome, Never> {
        let holding = Task { await pool.run("await ctx.fetch('https://hold.example/')\nreturn 'held'", workspace: workspace, fetcher: gate) }
        await gate.waitUntilStarted()
        return holding
    }

    /// Queues `noisy` calls of one caller, then one call of another, behind a held worker,
    /// and returns the order in which the worker ran them (each reports its tag by fetching).
    static func order(_ pool: SandboxPool, noisy: Int, noisyCaller: (workspace: String, server: String),
                      quietCaller: (workspace: String, server: String)) async -> (order: [String], outcomes: [SandboxOutcome]) {
        let gate = GateFetcher()
        let holding = await hold(pool, gate, workspace: noisyCaller.workspace)
        let fetcher = RecordingFetcher.echo()
        let body = "await ctx.fetch('https://order.example/' + args.tag)\nreturn args.tag"
        let outcomes = await withTaskGroup(of: SandboxOutcome.self) { group in
            for n in 0..<noisy {
                group.addTask {
                    await pool.run(body, arguments: ["tag": .string("noisy-\(n)")], workspace: noisyCaller.workspace, server: noisyCaller.server,
                                   fetcher: fetcher)
                }
                // Child tasks start in no set order: each call is queued before the next is
                // added, so arrival order is the tag order the assertions compare against.
                await pool.waitUntil { $0.queued == n + 1 }
            }
            group.addTask {
                await pool.run(body, arguments: ["tag": "quiet"], workspace: quietCaller.workspace, server: quietCaller.server, fetcher: fetcher)
            }
            await pool.waitUntil { $0.queued == noisy + 1 }
            gate.open()
            return await group.reduce(into: []) { $0.append($1) }
        }
        _ = await holding.value
        return (fetcher.requests.map { String($0.url.split(separator: "/").last ?? "") }, outcomes)
    }

    @Test func aWorkspaceWithHundredsQueuedDelaysAnotherByOneTurnAtMost() async throws {
        try await withPool(workers: 1) { pool in
            // when: 200 calls of workspace A wait, then one of workspace B
            let (order, outcomes) = await Self.order(pool, noisy: 200, noisyCaller: ("a", "a1"), quietCaller: ("b", "b1"))

            // then: A's oldest call ran first, B's second, and everything ran
            #expect(order.count == 201)
            #expect(order.firstIndex(of: "quiet") == 1, "ran in the order \(order.prefix(5))…")
            #expect(order.first == "noisy-0")
            #expect(outcomes.allSatisfy { $0.value != nil })
        }
    }

    @Test func withinAWorkspaceServersTakeTurnsToo() async throws {
        try await withPool(workers: 1) { pool in
            // when: one server of a workspace floods, another server of the same workspace calls once
            let (order, _) = await Self.order(pool, noisy: 100, noisyCaller: ("w", "noisy"), quietCaller: ("w", "quiet"))

            // then
            #expect(order.firstIndex(of: "quiet") == 1)
            #expect(Array(order.filter { $0 != "quiet" }) == (0..<100).map { "noisy-\($0)" }, "each server's calls in arrival order")
        }
    }

    @Test func underWorkspaceIsolationTheTurnsHoldAcrossWorkerSwitches() async throws {
        try await withPool(workers: 1, isolation: .workspace) { pool in
            // when
            let (order, outcomes) = await Self.order(pool, noisy: 20, noisyCaller: ("a", "a1"), quietCaller: ("b", "b1"))

            // then
            #expect(order.firstIndex(of: "quiet") == 1)
            #expect(outcomes.allSatisfy { $0.value != nil })
            #expect((await pool.statistics().workersKilled["workspace_switch"] ?? 0) >= 2)
        }
    }

    @Test func aCallReportsHowLongItWaitedForAWorkerApartFromHowLongItRan() async throws {
        try await withPool(workers: 1) { pool in
            // given: the only worker is held until the gate opens
            let gate = GateFetcher()
            let holding = await Self.hold(pool, gate)

            // when: another call waits behind it for at least 150 ms
            let waiting = Task { await pool.run("return 'after'") }
            await pool.waitUntil { $0.queued == 1 }
            try await Task.sleep(for: .milliseconds(150))
            gate.open()
            let after = await waiting.value
            let held = await holding.value

            // then
            #expect(after.value == "after")
            #expect(after.queuedMilliseconds >= 150)
            #expect(after.durationMilliseconds < after.queuedMilliseconds, "the wait is not counted as running time")
            #expect(held.value == "held")
            #expect(held.queuedMilliseconds < after.queuedMilliseconds)
            #expect(held.durationMilliseconds >= 150, "the held call ran while the other waited")
        }
    }

    @Test func aCallWaitingPastTheDeadlineIsOverloadedAndNeverRuns() async throws {
        try await withPool(workers: 1, queueSeconds: 0.2) { pool in
            // given: the only worker is held until the gate opens
            let gate = GateFetcher()
            let holding = await Self.hold(pool, gate)
            let fetcher = RecordingFetcher.echo()

            // when
            let late = await pool.run("await ctx.fetch('https://ran.example/')\nreturn 'ran'", fetcher: fetcher)
            let waiting = await pool.statistics()
            gate.open()

            // then
            guard case .overloaded(let retryAfter) = late.failure else {
                Issue.record("expected overloaded, got \(String(describing: late.result))")
                return
            }
            #expect((1...60).contains(retryAfter))
            #expect(late.failure?.message.contains("Retry in \(retryAfter) s") == true)
            #expect(late.queuedMilliseconds >= 200, "the refused call waited out the queue's deadline")
            #expect(waiting.queued == 0)
            #expect(waiting.overloaded == 1)
            #expect(await holding.value.value == "held")
            #expect(fetcher.requests.isEmpty, "the refused call never ran")
            #expect(await pool.run("return 'next'").value == "next")
        }
    }

    @Test func eachWaitingCallGivesUpAtItsOwnDeadline() async throws {
        try await withPool(workers: 1, queueSeconds: 1.5) { pool in
            // given: the only worker is held; one call waits from now, another from two seconds later
            let gate = GateFetcher()
            let holding = await Self.hold(pool, gate)
            let first = Task { await pool.run("return 'first'") }
            await pool.waitUntil { $0.queued == 1 }
            try await Task.sleep(for: .seconds(2))
            let second = Task { await pool.run("return 'second'") }
            // (or both given up, which the assertions below report rather than wait forever)
            await pool.waitUntil { ($0.queued == 1 && $0.overloaded == 1) || $0.overloaded == 2 }

            // when: the first has given up; the second still waits
            let firstOutcome = await first.value
            let stillWaiting = await pool.statistics().queued
            let secondOutcome = await second.value

            // then
            #expect(firstOutcome.failure?.code == "sandbox_overloaded")
            #expect(stillWaiting == 1, "the second call's deadline is its own, two seconds later")
            #expect(secondOutcome.failure?.code == "sandbox_overloaded")
            gate.open()
            #expect(await holding.value.value == "held")
        }
    }

    @Test func aCallThatGotItsWorkerIsNeverFailedByItsDeadline() async throws {
        // The deadline is generous so that handing the worker over is never what this measures
        // (a loaded CI machine took over half a second); the call then runs well past it.
        let queueSeconds = 3.0
        try await withPool(workers: 1, queueSeconds: queueSeconds) { pool in
            // given: the only worker is held and a call waits behind it
            let gate = GateFetcher()
            let holding = await Self.hold(pool, gate)
            let runGate = GateFetcher()
            let queuedAt = ContinuousClock.now
            let waiting = Task { await pool.run("await ctx.fetch('https://run.example/')\nreturn 'served'", fetcher: runGate) }
            await pool.waitUntil { $0.queued == 1 || $0.overloaded > 0 }

            // when: it gets the worker, and is still running when its deadline passes
            gate.open()
            #expect(await holding.value.value == "held")
            await pool.waitUntil { runGate.started.value == 1 || $0.overloaded > 0 }
            try #require(await pool.statistics().overloaded == 0, "the worker was handed over within \(queueSeconds) s")
            try await Task.sleep(until: queuedAt + .seconds(queueSeconds + 1))
            runGate.open()

            // then
            #expect(await waiting.value.value == "served")
            #expect(await pool.statistics().overloaded == 0)
        }
    }

    @Test func aFreeWorkerServesFirstAWaitingServerWhoseRealmItHolds() async throws {
        try await withPool(workers: 1) { pool in
            // given: the worker holds the realms of `warm0`…`warm11` (and of the server holding it next)
            let body = "await ctx.fetch('https://order.example/' + args.tag)\nreturn args.tag"
            let warmUp = RecordingFetcher.echo()
            for n in 0..<12 {
                await pool.admitRealm(workspace: "w", server: "warm\(n)", version: "v1")
                let outcome = await pool.run(body, arguments: ["tag": .string("warm\(n)")], workspace: "w", server: "warm\(n)", version: "v1",
                                             fetcher: warmUp)
                #expect(outcome.value != nil)
            }
            let gate = GateFetcher()
            let holding = Task {
                await pool.run("await ctx.fetch('https://hold.example/')\nreturn 'held'", workspace: "w", server: "hold", version: "v1", fetcher: gate)
            }
            await gate.waitUntilStarted()

            // when: a server it does not hold waits first, then the twelve it holds
            let fetcher = RecordingFetcher.echo()
            let outcomes = await withTaskGroup(of: SandboxOutcome.self) { group in
                for (n, server) in (["cold"] + (0..<12).map { "warm\($0)" }).enumerated() {
                    group.addTask {
                        await pool.run(body, arguments: ["tag": .string(server)], workspace: "w", server: server, version: "v1", fetcher: fetcher)
                    }
                    await pool.waitUntil { $0.queued == n + 1 }
                }
                gate.open()
                return await group.reduce(into: []) { $0.append($1) }
            }
            _ = await holding.value

            // then: warm servers went first, the cold one only as many turns late as the bound allows
            let order = fetcher.requests.map { String($0.url.split(separator: "/").last ?? "") }
            #expect(outcomes.allSatisfy { $0.value != nil })
            #expect(order.firstIndex(of: "cold") == SandboxPool.maxRealmPasses, "ran in the order \(order)")
            #expect(order.filter { $0 != "cold" } == (0..<12).map { "warm\($0)" })
        }
    }

    @Test func cancellingAWaitingCallTakesItOutOfTheQueue() async throws {
        try await withPool(workers: 1) { pool in
            // given
            let gate = GateFetcher()
            let holding = await Self.hold(pool, gate)
            let fetcher = RecordingFetcher.echo()
            let waiting = Task { await pool.run("await ctx.fetch('https://ran.example/')\nreturn 'ran'", fetcher: fetcher) }
            await pool.waitUntil { $0.queued == 1 }

            // when
            waiting.cancel()
            let cancelled = await waiting.value
            let afterwards = await pool.statistics()
            gate.open()

            // then
            #expect(cancelled.failure == .cancelled)
            #expect(afterwards.queued == 0)
            #expect(afterwards.busy == 1, "the held call keeps its worker")
            #expect(await holding.value.value == "held")
            #expect(fetcher.requests.isEmpty)
            #expect(await pool.run("return 'next'").value == "next")
        }
    }

    @Test func aWorkerKilledFromOutsideFailsItsCallClearlyAndIsReplaced() async throws {
        try await withPool(workers: 1) { pool in
            // given: a call in progress
            let gate = GateFetcher()
            let running = Task { await pool.run("await ctx.fetch('https://a.example/')\nreturn 'finished'", fetcher: gate) }
            await gate.waitUntilStarted()
            let victim = try #require(await pool.workerProcessIDs().first)

            // when: something outside the app (an operator, the OOM killer) SIGKILLs it
            kill(victim, SIGKILL)
            let killed = await running.value
            let next = await pool.run("return 'alive'")

            // then
            #expect(killed.failure == .workerCrashed)
            #expect(killed.failure?.message == "The sandbox process running the tool stopped unexpectedly.")
            #expect(next.value == "alive")
            let pids = await pool.workerProcessIDs()
            #expect(pids.count == 1 && pids != [victim])
            let statistics = await pool.statistics()
            #expect(statistics.workersKilled == ["worker_crashed": 1])
            #expect(statistics.live == 1 && statistics.idle == 1 && statistics.busy == 0)
        }
    }

    @Test func statisticsCountWorkersBusyIdleAndQueued() async throws {
        try await withPool(workers: 2) { pool in
            // given
            let before = await pool.statistics()
            let gate = GateFetcher()
            let holding = Task { await pool.run("await ctx.fetch('https://hold.example/')", fetcher: gate) }
            await gate.waitUntilStarted()
            _ = await pool.run("return 1")

            // when
            let during = await pool.statistics()
            gate.open()
            _ = await holding.value
            let after = await pool.statistics()

            // then
            #expect(before == SandboxPoolStatistics(workers: 2, live: 0, busy: 0, idle: 0, queued: 0, overloaded: 0, leased: 0, workersKilled: [:]))
            #expect(during.live == 2 && during.busy == 1 && during.idle == 1 && during.leased == 2)
            #expect(after.busy == 0 && after.idle == 2)
            #expect(SandboxPool.Configuration().workers == max(1, ProcessInfo.processInfo.activeProcessorCount))
        }
    }
}
