import Core
import Foundation
import Testing
@testable import Sandbox

@Suite("ctx.progress")
struct ProgressTests {
    @Test("reports reach the host while the tool runs, in order, with secret values redacted")
    func reportsReachTheHost() async throws {
        try await withPool { pool in
            // given a tool that reports twice, once mentioning its secret
            let seen = Reports()
            var call = SandboxCall(implementation: """
                ctx.progress(1, 3, "first page");
                await Promise.resolve();
                ctx.progress(2, 3, "using key " + ctx.secrets.KEY);
                ctx.progress(2.5);
                return "done";
                """, secrets: ["KEY": "sk-test-progress-secret"])
            call.onProgress = { update in seen.append(update) }

            // when it runs
            let outcome = await pool.run(call, fetcher: OfflineFetcher())

            // then the host saw each report, the secret redacted
            #expect(outcome.value == "done")
            #expect(seen.all == [
                SandboxProgress(progress: 1, total: 3, message: "first page"),
                SandboxProgress(progress: 2, total: 3, message: "using key [redacted]"),
                SandboxProgress(progress: 2.5),
            ])
        }
    }

    @Test("a message cut at 500 characters through a secret is redacted up to the cut")
    func cutMessages() async throws {
        try await withPool { pool in
            // given padding that puts the 500-character cut 12 characters into the secret
            let seen = Reports()
            var call = SandboxCall(implementation: """
                ctx.progress(1, 2, "x".repeat(500 - 1 - 12) + ctx.secrets.KEY);
                return "p";
                """, secrets: ["KEY": "sekrit-value-123"])
            call.onProgress = { update in seen.append(update) }

            // when it runs
            let outcome = await pool.run(call, fetcher: OfflineFetcher())

            // then nothing of the secret is left
            #expect(outcome.value == "p")
            let message = seen.all.first?.message ?? ""
            #expect(!message.contains("sekrit"))
            #expect(message == String(repeating: "x", count: 487) + "[redacted]…")
        }
    }

    @Test("bad arguments are a TypeError the tool can catch; without a listener reports are ignored")
    func badArguments() async throws {
        try await withPool { pool in
            let outcome = await pool.run("""
                const errors = [];
                for (const args of [[-1], [NaN], ["1"], [1, "3"], [1, 2, 3]]) {
                  try { ctx.progress(...args); } catch (error) { errors.push(error instanceof TypeError); }
                }
                ctx.progress(1, 2, "fine");
                return errors;
                """)
            #expect(outcome.value == [true, true, true, true, true])
        }
    }
}

private final class Reports: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [SandboxProgress] = []

    func append(_ report: SandboxProgress) { lock.withLock { reports.append(report) } }
    var all: [SandboxProgress] { lock.withLock { reports } }
}
