import Core
import Foundation
import Testing
@testable import Sandbox

/// Warm realms: a worker keeps a context per server version between its calls. One worker
/// in most tests, so every call lands in the same process and only the realm boundary
/// separates them.
@Suite("Warm realms")
struct WarmRealmTests {
    static let counter = "globalThis.count = (globalThis.count ?? 0) + 1\nreturn count"

    @Test func aGlobalPersistsBetweenCallsOfOneServerVersionAndNeverReachesAnother() async throws {
        try await withPool(workers: 1) { pool in
            // when
            let first = await pool.run(Self.counter, workspace: "w1", server: "a", version: "1")
            let second = await pool.run(Self.counter, workspace: "w1", server: "a", version: "1")
            let otherServer = await pool.run("return typeof count", workspace: "w1", server: "b", version: "1")
            let otherWorkspace = await pool.run("return typeof count", workspace: "w2", server: "a", version: "1")
            let third = await pool.run(Self.counter, workspace: "w1", server: "a", version: "1")

            // then
            #expect([first, second, third].map(\.value) == [1, 2, 3])
            #expect(otherServer.value == "undefined")
            #expect(otherWorkspace.value == "undefined")
        }
    }

    @Test func aNewVersionNewSecretsOrNewLimitsGetAFreshRealm() async throws {
        try await withPool(workers: 1) { pool in
            // given
            var tighter = SandboxLimits.patient
            tighter.maxLogLines = 5
            _ = await pool.run(Self.counter, secrets: ["TOKEN": "one"], workspace: "w", server: "a", version: "1")
            let warm = await pool.run(Self.counter, secrets: ["TOKEN": "one"], workspace: "w", server: "a", version: "1")

            // when
            let newVersion = await pool.run(Self.counter, secrets: ["TOKEN": "one"], workspace: "w", server: "a", version: "2")
            let newSecrets = await pool.run(Self.counter, secrets: ["TOKEN": "two"], workspace: "w", server: "a", version: "1")
            let newLimits = await pool.run(Self.counter, secrets: ["TOKEN": "one"], limits: tighter, workspace: "w", server: "a", version: "1")

            // then
            #expect(warm.value == 2)
            #expect(newVersion.value == 1)
            #expect(newSecrets.value == 1)
            #expect(newLimits.value == 1)
        }
    }

    @Test func aPoisonedPrototypeStaysInItsRealmAndGoesWithTheVersion() async throws {
        try await withPool(workers: 1) { pool in
            // given
            let poisoned = await pool.run("Object.prototype.x = 1\nreturn ({}).x", workspace: "w", server: "a", version: "1")

            // when
            let sameVersion = await pool.run("return ({}).x ?? 'clean'", workspace: "w", server: "a", version: "1")
            let otherServer = await pool.run("return ({}).x ?? 'clean'", workspace: "w", server: "b", version: "1")
            let nextVersion = await pool.run("return ({}).x ?? 'clean'", workspace: "w", server: "a", version: "2")
            let unversioned = await pool.run("return ({}).x ?? 'clean'")

            // then
            #expect(poisoned.value == 1)
            #expect(sameVersion.value == 1)
            #expect(otherServer.value == "clean")
            #expect(nextVersion.value == "clean")
            #expect(unversioned.value == "clean")
        }
    }

    @Test func argsCtxAndSecretsAreFreshEachCall() async throws {
        try await withPool(workers: 1) { pool in
            // given: the first call keeps what it was given and changes it
            let keep = """
                globalThis.kept = { args, ctx, secrets: ctx.secrets }
                args.n = 99
                try { ctx.secrets.TOKEN = 'changed' } catch {}
                return 'kept'
                """
            _ = await pool.run(keep, arguments: ["n": 1], secrets: ["TOKEN": "sk_test_51BmmFakeRealm"], workspace: "w", server: "a", version: "1")

            // when
            let compare = """
                return [args !== kept.args, args.n, ctx !== kept.ctx, ctx.secrets !== kept.secrets,
                        Object.isFrozen(ctx.secrets), ctx.secrets.TOKEN === 'sk_test_51BmmFakeRealm']
                """
            let next = await pool.run(compare, arguments: ["n": 2], secrets: ["TOKEN": "sk_test_51BmmFakeRealm"], workspace: "w", server: "a", version: "1")

            // then
            #expect(next.value == [true, 2, true, true, true, true])
        }
    }

    @Test func aCallThatThrowsOrHitsALimitDiscardsItsRealm() async throws {
        try await withPool(workers: 1) { pool in
            // given
            var quick = SandboxLimits.patient
            quick.cpuMilliseconds = 100
            _ = await pool.run(Self.counter, limits: quick, workspace: "w", server: "a", version: "1")

            // when
            let thrown = await pool.run("globalThis.count = 50\nthrow new Error('no')", limits: quick, workspace: "w", server: "a", version: "1")
            let afterThrow = await pool.run(Self.counter, limits: quick, workspace: "w", server: "a", version: "1")
            let runaway = await pool.run("globalThis.count = 50\nwhile (true) {}", limits: quick, workspace: "w", server: "a", version: "1")
            let afterRunaway = await pool.run(Self.counter, limits: quick, workspace: "w", server: "a", version: "1")
            let again = await pool.run(Self.counter, limits: quick, workspace: "w", server: "a", version: "1")

            // then
            #expect(thrown.failure == .thrown("no"))
            #expect(afterThrow.value == 1)
            #expect(runaway.failure == .cpuLimit)
            #expect(afterRunaway.value == 1)
            #expect(again.value == 2)
        }
    }

    @Test func aRunawayCallInAWarmRealmIsStillStoppedByTheWallClock() async throws {
        try await withPool(workers: 1) { pool in
            // given: a warm realm whose next call waits forever on a promise chain the CPU watchdog never sees
            var limits = SandboxLimits.patient
            limits.wallMilliseconds = 1000
            _ = await pool.run(Self.counter, limits: limits, workspace: "w", server: "a", version: "1")

            // when
            let endless = await pool.run("globalThis.count = 50\nconst spin = () => Promise.resolve().then(spin)\nspin()\nawait new Promise(() => {})",
                                         limits: limits, workspace: "w", server: "a", version: "1")
            let after = await pool.run(Self.counter, limits: limits, workspace: "w", server: "a", version: "1")

            // then
            #expect(endless.failure == .wallClockLimit)
            #expect(after.value == 1)
        }
    }

    @Test func withWarmRealmsOffEveryCallGetsAFreshContext() async throws {
        try await withPool(workers: 1, warmRealms: false) { pool in
            // when
            let first = await pool.run(Self.counter, workspace: "w", server: "a", version: "1")
            let second = await pool.run(Self.counter, workspace: "w", server: "a", version: "1")

            // then
            #expect([first, second].map(\.value) == [1, 1])
        }
    }

    @Test func aCallPrefersTheIdleWorkerHoldingItsRealm() async throws {
        try await withPool(workers: 2, testHooks: true) { pool in
            // given: the first worker is held by a fetch while the second runs server a once; then the
            // first comes back, so it is the most recently freed worker when a's next call arrives
            let gate = GateFetcher()
            let holding = Task { await pool.run("await ctx.fetch('https://a.example/')\nreturn 'held'", fetcher: gate) }
            await gate.waitUntilStarted()
            let tool = "globalThis.count = (globalThis.count ?? 0) + 1\nreturn [count, __bmmTestHooks.processID()]"
            let first = await pool.run(tool, workspace: "w", server: "a", version: "1")
            gate.open()
            _ = await holding.value

            // when
            let second = await pool.run(tool, workspace: "w", server: "a", version: "1")

            // then
            let firstPID = try #require(first.value?.arrayValue?.last)
            #expect(second.value == [2, firstPID])
        }
    }
}
