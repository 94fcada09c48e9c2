import Foundation
import Testing
@testable import Sandbox

/// A worker whose engine crashes before the call reached outside it (no `ctx.fetch`, no
/// progress report) runs the call again, once, on a fresh worker; after a fetch the call
/// fails, since running it again could repeat what the fetch did.
@Suite("Pool: calls on a crashed worker")
struct CrashRetryTests {
    @Test func aCrashBeforeTheCallReachedOutsideRunsItAgainOnAFreshWorker() async throws {
        try await withPool(workers: 1) { pool in
            // given: a call in progress that has fetched nothing
            let running = Task { await pool.run("const t = Date.now(); while (Date.now() - t < 300) {} return 'finished'") }
            while await pool.statistics().busy < 1 { try await Task.sleep(for: .milliseconds(5)) }
            let victim = try #require(await pool.workerProcessIDs().first)

            // when: its engine crashes (a fault signal, not a kill from outside)
            kill(victim, SIGABRT)
            let outcome = await running.value

            // then: the caller sees the call's real result, from another worker
            #expect(outcome.value == "finished")
            #expect(!(await pool.workerProcessIDs()).contains(victim))
            #expect(await pool.statistics().workersKilled["worker_crashed"] == 1)
        }
    }

    @Test func aCrashAfterAFetchFailsTheCall() async throws {
        try await withPool(workers: 1) { pool in
            // given: a call that has made a fetch
            let gate = GateFetcher()
            let running = Task { await pool.run("await ctx.fetch('https://a.example/')\nreturn 'finished'", fetcher: gate) }
            await gate.waitUntilStarted()
            let victim = try #require(await pool.workerProcessIDs().first)

            // when
            kill(victim, SIGABRT)
            let outcome = await running.value

            // then: not run again, and said plainly
            #expect(outcome.failure == .workerCrashed)
            #expect(outcome.fetchCount == 1)
            #expect(await pool.run("return 'alive'").value == "alive")
        }
    }
}
