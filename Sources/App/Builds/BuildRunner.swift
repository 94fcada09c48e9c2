import Core
import Fluent
import Foundation
import Sandbox
import Vapor

/// Runs queued builds: validate, scan, compile every tool in the sandbox, smoke
/// `tools/list`, activate an immutable version. Each step is a log line. Runs in
/// `serve` and in `bmm worker`; several runners share the queue safely.
struct BuildRunner: Sendable {
    let app: Application

    var queue: BuildQueue {
        BuildQueue(database: app.db, now: app.clock.now)
    }

    /// The builds this runner has in hand, for a shutdown that cannot wait for them.
    let current = RunningBuilds()

    var lease: BuildLease {
        BuildLease(timeout: app.config.buildLeaseTimeout)
    }

    /// Claims and runs builds until the task is cancelled; every lease interval it also
    /// fails builds whose runner (here or in another process) went silent.
    func loop() async {
        var nextSweep = ContinuousClock.now
        while !Task.isCancelled {
            do {
                if ContinuousClock.now >= nextSweep {
                    nextSweep = ContinuousClock.now + lease.interval
                    try await queue.failAbandoned(silentFor: lease.timeout)
                }
                while !Task.isCancelled, let build = try await queue.claim() {
                    await runLeased(build)
                }
            } catch {
                app.logger.reportSafely(error)
            }
            await app.hosting.buildSignal.wait(timeout: .milliseconds(500))
        }
    }

    /// Runs every queued build now (tests and `bmm worker --once`).
    func drain() async throws {
        try await queue.failAbandoned(silentFor: lease.timeout)
        while let build = try await queue.claim() {
            await runLeased(build)
        }
    }

    /// Runs `build` while renewing its lease. The build runs as a task of its own: stopping
    /// the loop does not cancel it halfway; it finishes, or `stop(within:)` fails and cancels it.
    func runLeased(_ build: Build) async {
        let id = build.id!
        let task = Task { await run(build) }
        current.insert(id, task)
        defer { current.remove(id) }
        let queue = self.queue, interval = lease.interval, logger = app.logger
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard !Task.isCancelled else { return }
                do { try await queue.heartbeat(id) } catch { logger.reportSafely(error) }
            }
        }
        await task.value
        heartbeat.cancel()
    }

    /// Waits up to `grace` for the build in progress, then fails whatever is left with
    /// "the server shut down", so this process leaves no build running behind it. The build's own task is
    /// cancelled and awaited first: it then writes nothing more, neither beside the failure (two writers of one
    /// build's log collide on its line numbers) nor after the shutdown has closed the database.
    func stop(within grace: Duration) async {
        let deadline = ContinuousClock.now + grace
        while !current.all.isEmpty && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let left = current.all
        await current.cancelAndWait()
        do {
            try await queue.failLeft(left, reason: BuildQueue.shutDownReason)
        } catch {
            app.logger.reportSafely(error)
        }
    }

    /// A cancelled build (the shutdown failed it already) writes nothing more: each step checks before it does.
    func run(_ build: Build) async {
        let queue = self.queue
        let started = ContinuousClock.now
        defer {
            let outcome = build.status == .succeeded || build.status == .failed ? build.status.rawValue : "error"
            app.metrics.buildFinished(outcome: outcome, duration: ContinuousClock.now - started)
        }
        do {
            try Task.checkCancellation()
            let spec = try SpecJSON.decode(build.specJSON)
            try await queue.log(build, "Validating the spec: \(spec.tools.count) tool\(spec.tools.count == 1 ? "" : "s")")
            do {
                try SpecValidator.check(spec)
            } catch {
                return try await fail(build, error.summary)
            }
            try await queue.log(build, "Scanning the code for refused constructs and leaked secrets")
            let secrets = try await ServerSecrets(database: app.db, box: app.secretBox).values(server: build.$server.id, organization: build.$organization.id)
            // Every finding and every tool that does not compile is reported, so one build shows all there is to fix.
            let findings = SpecScanner.findings(in: spec, secretValues: Array(secrets.values)).map { "\($0.path): \($0.message)" }
            if !findings.isEmpty { return try await fail(build, problems: findings) }
            var failures: [String] = []
            for tool in spec.tools {
                try Task.checkCancellation()
                if case .failure(let failure) = await app.hosting.sandbox.compile(tool.implementation, workspace: build.$organization.id.uuidString,
                                                                             server: build.$server.id.uuidString) {
                    failures.append("\(tool.name): \(failure.message)")
                } else {
                    try await queue.log(build, "Compiled \(tool.name)", level: "ok")
                }
            }
            try Task.checkCancellation()
            // Compiles that failed because the shutdown stopped the sandbox (at the end of the grace period) say
            // nothing about the code: the build fails with the shutdown's reason, as `stop(within:)` would fail it.
            // The build stays in hand until `stop(within:)` cancels this task and fails it, the one writer of its end.
            if !failures.isEmpty, app.stopping.isStopping {
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(20)) }
                return
            }
            if !failures.isEmpty { return try await fail(build, problems: failures) }
            let listed = MCPToolList(spec: spec).tools.map(\.name)
            guard listed == spec.tools.map(\.name).sorted() else {
                return try await fail(build, "tools/list did not list every tool")
            }
            try await queue.log(build, "Smoke test: tools/list answers \(listed.joined(separator: ", "))", level: "ok")
            // nil: another process failed this build while it stalled here, and that stands.
            guard try await queue.finish(build, error: nil, activating: true) != nil else { return }
            app.hosting.contexts.invalidate(build.$server.id)
            // Load the new version's context now, so the first call after a build is not a cold start.
            _ = try? await app.hosting.contexts.context(for: build.$server.id, app: app)
        } catch is CancellationError {
            return
        } catch {
            // Once the shutdown has begun, how the build ends is `stop(within:)`'s to write.
            guard !Task.isCancelled, !app.stopping.isStopping else { return }
            app.logger.reportSafely(error)
            try? await fail(build, "The build stopped unexpectedly. Try again.")
        }
    }

    /// One problem is the failure itself; several are each logged, and the failure names the first and counts the rest.
    private func fail(_ build: Build, problems: [String]) async throws {
        try Task.checkCancellation()
        guard problems.count > 1 else { return try await fail(build, problems[0]) }
        for problem in problems { try await queue.log(build, problem, level: "error") }
        try await fail(build, "\(problems[0]); and \(problems.count - 1) more, listed above")
    }

    private func fail(_ build: Build, _ reason: String) async throws {
        try Task.checkCancellation()
        try await queue.log(build, "Build failed: \(reason)", level: "error")
        try await queue.finish(build, error: reason)
    }
}

extension Application {
    /// Starts the build runner for the life of the app.
    func startBuildRunner() {
        let runner = BuildRunner(app: self)
        let task = Task { await runner.loop() }
        lifecycle.use(BuildRunnerLifecycle(runner: runner, task: task))
    }
}

private struct BuildRunnerLifecycle: LifecycleHandler {
    let runner: BuildRunner
    let task: Task<Void, Never>

    func shutdownAsync(_ application: Application) async {
        task.cancel()
        // The grace period runs from the shutdown's start, beside the HTTP drain (GracefulShutdown), not after it.
        await runner.stop(within: application.stopping.remaining(of: application.config.shutdownGrace))
    }
}
