import Core
import Foundation
import Testing
@testable import Sandbox

/// SECURITY.md item 28: each of these ends its call with a clear error and the pool
/// keeps serving calls.
@Suite("Abusive tools", .serialized)
struct AbuseTests {
    private func expectNextCallWorks(on pool: SandboxPool) async {
        let next = await pool.run("return args.a + args.b", arguments: ["a": 1, "b": 2])
        #expect(next.value == 3, "the call after the abusive one failed: \(next.result)")
    }

    @Test func anEndlessLoopHitsTheCPULimit() async throws {
        try await withPool { pool in
            // given
            var limits = SandboxLimits()
            limits.cpuMilliseconds = 300

            // when
            let outcome = await pool.run("while (true) {}", limits: limits)

            // then
            #expect(outcome.failure == .cpuLimit)
            #expect(outcome.durationMilliseconds < 9000)  // below the 10 s default wall clock: the intended limit ended it (slack for a loaded CI machine)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func theCPUBudgetCoversTheWholeCallAcrossFetches() async throws {
        try await withPool { pool in
            // given: 250 ms of busy work after each of up to thirty fetches, against a 400 ms
            // budget (each stretch alone is within budget; together they are not). Thirty
            // rounds, and a long wall clock, so that even a machine that gives this worker a
            // small share of a CPU spends more than the budget.
            var limits = SandboxLimits()
            limits.cpuMilliseconds = 400
            limits.wallMilliseconds = 60_000
            limits.maxFetches = 30
            let implementation = """
                for (let i = 0; i < 30; i++) {
                  await ctx.fetch("https://a.example/" + i);
                  const end = Date.now() + 250;
                  while (Date.now() < end) {}
                }
                return "finished";
                """

            // when
            let outcome = await pool.run(implementation, limits: limits, fetcher: RecordingFetcher.echo())

            // then
            #expect(outcome.failure == .cpuLimit)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func anAllocationBombHitsTheMemoryLimit() async throws {
        try await withPool { pool in
            // given
            var limits = SandboxLimits()
            limits.cpuMilliseconds = 10_000
            let implementation = """
                const hoard = [];
                while (true) hoard.push(new Float64Array(1 << 20).fill(Math.random()));
                """

            // when
            let outcome = await pool.run(implementation, limits: limits)

            // then
            #expect(outcome.failure == .memoryLimit)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func aGrowingStringHitsALimit() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("let s = 'x';\nwhile (true) s = s + s + Math.random();\n")

            // then: JavaScriptCore refuses strings over 2^31 characters, or memory runs out first
            let failure = try #require(outcome.failure)
            #expect(failure == .memoryLimit || failure == .thrown("RangeError: Out of memory (line 2)"))
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func deepRecursionThrowsARangeError() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("function down(n) { return down(n + 1) + 1; }\nreturn down(0);")

            // then
            #expect(outcome.failure == .thrown("RangeError: Maximum call stack size exceeded. (line 1)"))
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func aCatastrophicRegexEndsQuickly() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run(#"return /(a+)+$/.test("a".repeat(40) + "!")"#)

            // then: JavaScriptCore's regex engine gives up on runaway backtracking (no match),
            // or the CPU limit stops it
            #expect(outcome.value == false || outcome.failure == .cpuLimit)
            #expect(outcome.durationMilliseconds < 9000)  // below the 10 s default wall clock: the intended limit ended it (slack for a loaded CI machine)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test("a call that settles after its CPU time ran out inside work the watchdog cannot interrupt still fails")
    func cpuSpentInsideOneBuiltInFailsTheCall() async throws {
        try await withPool(testHooks: true) { pool in
            // given a 300 ms budget, and a native call standing in for one long regular-expression match that
            // uses 450 ms (under the parent's hard stop at twice the limit plus 0.25 s)
            var limits = SandboxLimits()
            limits.cpuMilliseconds = 300

            // when the tool returns at once afterwards
            let outcome = await pool.run("__bmmTestHooks.spinCPU(450); return 'finished'", limits: limits)

            // then
            #expect(outcome.failure == .cpuLimit)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func anEndlessPromiseChainIsKilledAtTheWallClockLimit() async throws {
        try await withPool { pool in
            // given
            var limits = SandboxLimits()
            limits.wallMilliseconds = 1000

            // when
            let outcome = await pool.run("for (;;) await 0;", limits: limits)

            // then
            #expect(outcome.failure == .wallClockLimit)
            #expect(outcome.durationMilliseconds >= 1000)
            #expect(outcome.durationMilliseconds < 9000)  // below the 10 s default wall clock: the intended limit ended it (slack for a loaded CI machine)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func anEndlessPromiseChainIsKilledForProcessCPU() async throws {
        try await withPool { pool in
            // given: the watchdog cannot stop promise jobs, so the parent's CPU ceiling does
            var limits = SandboxLimits()
            limits.cpuMilliseconds = 200

            // when
            let outcome = await pool.run("(async () => { for (;;) await 0; })();\nawait new Promise(() => {});", limits: limits)

            // then
            #expect(outcome.failure == .cpuLimit)
            #expect(outcome.durationMilliseconds < 9000)  // below the 10 s default wall clock: the intended limit ended it (slack for a loaded CI machine)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func aSlowFetchCountsAgainstTheWallClock() async throws {
        try await withPool { pool in
            // given
            let fetcher = GateFetcher()
            var limits = SandboxLimits()
            limits.wallMilliseconds = 500

            // when
            let outcome = await pool.run("await ctx.fetch('https://slow.example/')", limits: limits, fetcher: fetcher)
            fetcher.open()

            // then
            #expect(outcome.failure == .wallClockLimit)
            await expectNextCallWorks(on: pool)
        }
    }

    @Test func throwingANumberIsReadable() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("throw 42")

            // then
            #expect(outcome.failure == .thrown("The tool threw a non-Error value: 42"))
            await expectNextCallWorks(on: pool)
        }
    }

    @Test(arguments: [
        #"return "x".repeat(2 * 1024 * 1024)"#,
        "return Array.from({ length: 200000 }, (_, i) => ({ index: i, label: 'item' }))",
    ])
    func aHugeReturnValueIsRefused(implementation: String) async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.failure == .resultTooLarge)
            await expectNextCallWorks(on: pool)
        }
    }
}
