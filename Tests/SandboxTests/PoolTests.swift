import Core
import Foundation
import Testing
@testable import Sandbox

@Suite("Pool")
struct PoolTests {
    @Test func twoWorkersRunTwoCallsAtOnce() async throws {
        try await withPool(workers: 2) { pool in
            // given: each call's fetch is answered only once both calls are fetching
            let fetcher = RendezvousFetcher(count: 2)
            let limits = SandboxLimits.patient

            // when
            async let first = pool.run("return (await ctx.fetch('https://a.example/1')).text()", limits: limits, fetcher: fetcher)
            async let second = pool.run("return (await ctx.fetch('https://a.example/2')).text()", limits: limits, fetcher: fetcher)
            let outcomes = await [first, second]

            // then
            #expect(outcomes.map(\.value) == ["met", "met"])
        }
    }

    @Test func callsQueueWhenEveryWorkerIsBusy() async throws {
        try await withPool(workers: 1) { pool in
            // when
            let outcomes = await withTaskGroup(of: SandboxOutcome.self) { group in
                for n in 0..<5 {
                    group.addTask { await pool.run("return args.n * 2", arguments: ["n": .number(Double(n))]) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }

            // then
            #expect(Set(outcomes.compactMap(\.value)) == [0, 2, 4, 6, 8])
        }
    }

    @Test func aFullQueueAnswersOverloadedAtOnce() async throws {
        try await withPool(workers: 1, maxQueuedCalls: 0) { pool in
            // given: the only worker is held by a call waiting on its fetch
            let gate = GateFetcher()
            let holding = Task { await pool.run("await ctx.fetch('https://a.example/')\nreturn 'held'", fetcher: gate) }
            await gate.waitUntilStarted()

            // when
            let rejected = await pool.run("return 1")
            gate.open()
            let held = await holding.value

            // then
            #expect(rejected.failure?.code == "sandbox_overloaded")
            #expect(await pool.statistics().overloaded == 1)
            #expect(held.value == "held")
            #expect(await pool.run("return 2").value == 2)
        }
    }

    @Test func aCrashedWorkerIsReplaced() async throws {
        try await withPool(workers: 1) { pool in
            // given
            let gate = GateFetcher()
            let running = Task { await pool.run("await ctx.fetch('https://a.example/')", fetcher: gate) }
            await gate.waitUntilStarted()
            let victim = try #require(await pool.workerProcessIDs().first)

            // when
            kill(victim, SIGABRT)
            let crashed = await running.value
            let next = await pool.run("return 'alive'")

            // then
            #expect(crashed.failure == .workerCrashed)
            #expect(next.value == "alive")
            #expect(await pool.workerProcessIDs() != [victim])
        }
    }

    @Test func workersAreRecycledAfterTheirQuota() async throws {
        try await withPool(workers: 1, recycleAfterCalls: 2) { pool in
            // when
            _ = await pool.run("return 1")
            let before = await pool.workerProcessIDs()
            _ = await pool.run("return 2")
            let after = await pool.workerProcessIDs()
            let third = await pool.run("return 3")

            // then
            #expect(before.count == 1)
            #expect(after.count == 1)
            #expect(before != after)
            #expect(third.value == 3)
        }
    }

    @Test func cancellingACallKillsItsWorker() async throws {
        try await withPool(workers: 1) { pool in
            // given
            var limits = SandboxLimits()
            limits.cpuMilliseconds = 30_000
            limits.wallMilliseconds = 30_000
            let running = Task { await pool.run("while (true) {}", limits: limits) }
            try await Task.sleep(for: .milliseconds(200))

            // when
            running.cancel()
            let cancelled = await running.value

            // then
            #expect(cancelled.failure == .cancelled)
            #expect(cancelled.durationMilliseconds < 9000)  // below the 10 s default wall clock: the intended limit ended it (slack for a loaded CI machine)
            #expect(await pool.run("return 'next'").value == "next")
        }
    }

    @Test func aMissingWorkerExecutableIsReportedUpFront() throws {
        // when
        let error = #expect(throws: SandboxFailure.self) {
            try SandboxPool(configuration: .init(workerExecutable: "/nonexistent/bmm-sandbox-worker"))
        }

        // then
        #expect(error?.code == "sandbox_unavailable")
        #expect(error?.message.contains("/nonexistent/bmm-sandbox-worker") == true)
    }

    @Test func workersGetNoneOfTheParentsEnvironment() async throws {
        // given
        setenv("BMM_SANDBOX_TEST_SECRET", "leak-me", 1)
        defer { unsetenv("BMM_SANDBOX_TEST_SECRET") }

        try await withPool(workers: 1) { pool in
            // when
            _ = await pool.run("return 1")
            let pid = try #require(await pool.workerProcessIDs().first)
            let environment = try String(contentsOfFile: "/proc/\(pid)/environ", encoding: .utf8)

            // then
            #expect(!environment.contains("BMM_SANDBOX_TEST_SECRET"))
            #expect(environment.split(separator: "\0").sorted() == ["SWIFT_BACKTRACE=enable=no"])
        }
    }
}
