import Core
import Foundation
import Testing
@testable import Sandbox

/// A worker with nothing to do builds the next new realm ahead (a context with the runtime
/// installed), so a cold call does not wait for it. The worker's test hooks mark such a
/// realm: `__bmmTestHooks.preparedAhead`.
@Suite("Spare realms")
struct SpareRealmTests {
    static let probe = "return [typeof mark, typeof count, __bmmTestHooks.preparedAhead === true]"

    /// Long enough for an idle worker to build its spare (a few milliseconds) on a busy machine.
    static func idle() async {
        try? await Task.sleep(for: .milliseconds(300))
    }

    /// A one-off call (no server) after idle time, tried again until it reports a realm built
    /// ahead (ten tries): a call sent the instant the last one answered may find the worker
    /// not yet idle, and then it builds its own realm, as it should.
    static func runIdle(_ pool: SandboxPool, _ implementation: String) async -> SandboxOutcome {
        var tries = 0
        while true {
            await idle()
            tries += 1
            let outcome = await pool.run(implementation)
            if case .array(let items) = outcome.value, items.last == true { return outcome }
            if tries == 10 { return outcome }
        }
    }

    @Test func aCallAfterIdleTimeRunsInARealmBuiltAheadThatNoEarlierCallTouched() async throws {
        try await withPool(workers: 1, testHooks: true) { pool in
            // given: a one-off call leaves a global behind in its context
            let first = await pool.run("globalThis.mark = 1\nreturn 'marked'")
            #expect(first.value == "marked")

            // when
            let next = await Self.runIdle(pool, Self.probe)

            // then
            #expect(next.value == ["undefined", "undefined", true])
        }
    }

    @Test func aServerRealmBuiltAheadKeepsItsStateForThatServerOnly() async throws {
        try await withPool(workers: 1, testHooks: true) { pool in
            // given: server a's realm is admitted on its second call, which claims the spare
            await pool.admitRealm(workspace: "w", server: "a", version: "1")
            await Self.idle()
            let claimed = await pool.run("globalThis.count = 1\n" + Self.probe, workspace: "w", server: "a", version: "1")

            // when
            let again = await pool.run("count += 1\nreturn count", workspace: "w", server: "a", version: "1")
            await pool.admitRealm(workspace: "w", server: "b", version: "1")
            await Self.idle()
            let other = await pool.run(Self.probe, workspace: "w", server: "b", version: "1")

            // then
            #expect(claimed.value == ["undefined", "number", true])
            #expect(again.value == 2)
            #expect(other.value == ["undefined", "undefined", true])
        }
    }

    @Test func aCompileCheckRunsInTheSpareAndTheWorkerBuildsAnother() async throws {
        try await withPool(workers: 1, testHooks: true) { pool in
            // given
            _ = await Self.runIdle(pool, Self.probe)
            await Self.idle()

            // when: the check compiles in the spare and discards it
            let check = await pool.compile("globalThis.mark = 1\nreturn 1")
            let next = await Self.runIdle(pool, Self.probe)

            // then
            #expect(check.succeeded)
            #expect(next.value == ["undefined", "undefined", true])
        }
    }
}
