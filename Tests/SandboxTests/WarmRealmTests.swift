import Core
import Foundation
import Testing
@testable import Sandbox

/// Warm realms: a worker keeps a context per server version between its calls. One worker
/// in most tests, so every call lands in the same process and only the realm boundary
/// separates them. A realm is admitted on its server's second call (`RealmAdmission`), so
/// tests about what a realm keeps call each server once first (`admitRealm`).
@Suite("Warm realms")
struct WarmRealmTests {
    static let counter = "globalThis.count = (globalThis.count ?? 0) + 1\nreturn count"

    /// Server a's counter, called three times in a row.
    static func countThrice(_ pool: SandboxPool) async -> [SandboxOutcome] {
        var calls: [SandboxOutcome] = []
        for _ in 0..<3 { calls.append(await pool.run(counter, workspace: "w", server: "a", version: "1")) }
        return calls
    }

    @Test func aGlobalPersistsBetweenCallsOfOneServerVersionAndNeverReachesAnother() async throws {
        try await withPool(workers: 1) { pool in
            // given
            await pool.admitRealm(workspace: "w1", server: "a", version: "1")
            await pool.admitRealm(workspace: "w1", server: "b", version: "1")
            await pool.admitRealm(workspace: "w2", server: "a", version: "1")

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
            await pool.admitRealm(secrets: ["TOKEN": "one"], workspace: "w", server: "a", version: "1")
            await pool.admitRealm(secrets: ["TOKEN": "one"], workspace: "w", server: "a", version: "2")
            await pool.admitRealm(secrets: ["TOKEN": "two"], workspace: "w", server: "a", version: "1")
            await pool.admitRealm(secrets: ["TOKEN": "one"], limits: tighter, workspace: "w", server: "a", version: "1")
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

    @Test func aCtxKeptFromAnEarlierCallNoLongerLogsFetchesOrReportsProgress() async throws {
        try await withPool(workers: 1) { pool in
            // given a warm realm whose first call keeps its ctx in module state
            await pool.admitRealm(workspace: "w", server: "a", version: "1")
            let keeping = await pool.run("globalThis.kept = ctx\nctx.log('first call')\nreturn 1", workspace: "w", server: "a", version: "1")
            #expect(keeping.value == 1 && keeping.logs == ["first call"])

            // when a later call of the same server uses the kept ctx
            let later = await pool.run("""
                const refused = []
                for (const use of [() => kept.log('late'), () => kept.fetch('https://example.com/'), () => kept.progress(1)]) {
                  try { use(); refused.push('allowed') } catch (error) { refused.push(error instanceof TypeError ? error.message : 'other') }
                }
                ctx.log('second call')
                return refused
                """, workspace: "w", server: "a", version: "1")

            // then each use throws a TypeError that says why; nothing reaches this call's log; its own ctx works
            let messages = later.value?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(messages.count == 3)
            #expect(messages.allSatisfy { $0.contains("belongs to a call that has ended") })
            #expect(messages.map { $0.prefix(while: { $0 != ":" }) } == ["ctx.log", "ctx.fetch", "ctx.progress"])
            #expect(later.logs == ["second call"])
        }
    }

    @Test func aPoisonedPrototypeStaysInItsRealmAndGoesWithTheVersion() async throws {
        try await withPool(workers: 1) { pool in
            // given
            await pool.admitRealm(workspace: "w", server: "a", version: "1")
            await pool.admitRealm(workspace: "w", server: "b", version: "1")
            await pool.admitRealm(workspace: "w", server: "a", version: "2")
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
            await pool.admitRealm(secrets: ["TOKEN": "sk_test_51BmmFakeRealm"], workspace: "w", server: "a", version: "1")
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
            let count = { await pool.run(Self.counter, limits: quick, workspace: "w", server: "a", version: "1").value }
            await pool.admitRealm(limits: quick, workspace: "w", server: "a", version: "1")
            _ = await count()

            // when: each failure in the warm realm is followed by calls that build the server's next realm
            // (the first of them is the server's first call again, in a fresh context) and use it
            let thrown = await pool.run("globalThis.count = 50\nthrow new Error('no')", limits: quick, workspace: "w", server: "a", version: "1")
            let afterThrow = [await count(), await count(), await count()]
            let runaway = await pool.run("globalThis.count = 50\nwhile (true) {}", limits: quick, workspace: "w", server: "a", version: "1")
            let afterRunaway = [await count(), await count(), await count()]

            // then
            #expect(thrown.failure == .thrown("no"))
            #expect(afterThrow == [1, 1, 2])
            #expect(runaway.failure == .cpuLimit)
            #expect(afterRunaway == [1, 1, 2])
        }
    }

    @Test func aRunawayCallInAWarmRealmIsStillStoppedByTheWallClock() async throws {
        try await withPool(workers: 1) { pool in
            // given: a warm realm whose next call waits forever on a promise chain the CPU watchdog never sees
            var limits = SandboxLimits.patient
            limits.wallMilliseconds = 1000
            await pool.admitRealm(limits: limits, workspace: "w", server: "a", version: "1")
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

    @Test func aServersFirstCallRunsInAFreshContextAndItsSecondBuildsTheRealmItKeeps() async throws {
        try await withPool(workers: 1) { pool in
            // when
            let calls = await Self.countThrice(pool)

            // then
            #expect(calls.map(\.value) == [1, 1, 2])
        }
    }

    @Test func aServerSeenOnceBeforeAWindowOfOthersStartsOverAsIfNeverSeen() async throws {
        try await withPool(workers: 1) { pool in
            // given: server a once, then as many other servers once each as the pool remembers
            _ = await pool.run(Self.counter, workspace: "w", server: "a", version: "1")
            for n in 0..<SandboxPool.admissionWindowPerWorker {
                #expect(await pool.run("return 0", workspace: "w", server: "other\(n)", version: "1").value == 0)
            }

            // when
            let calls = await Self.countThrice(pool)

            // then: remembered, a would have counted 1, 2, 3
            #expect(calls.map(\.value) == [1, 1, 2])
        }
    }

    @Test func withWarmRealmsOffEveryCallGetsAFreshContext() async throws {
        try await withPool(workers: 1, warmRealms: false) { pool in
            // when
            let calls = await Self.countThrice(pool)

            // then: with warm realms on, the third would count 2
            #expect(calls.map(\.value) == [1, 1, 1])
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
            await pool.admitRealm(workspace: "w", server: "a", version: "1")
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
