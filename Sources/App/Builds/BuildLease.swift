import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// A running build belongs to the process whose runner claimed it for as long as that
/// runner keeps writing its heartbeat. Several instances and `bmm worker` share one queue,
/// so a restarting instance cannot tell from its own start-up which builds died with it;
/// silence longer than `timeout` is what marks a build abandoned.
struct BuildLease: Sendable {
    var timeout: Duration = .seconds(30)

    /// Several beats fit in one timeout, so a slow write or two does not lose the lease.
    var interval: Duration { timeout / 6 }
}

extension BuildQueue {
    static let abandonedReason = "the process running this build stopped"
    static let shutDownReason = "the server shut down"

    /// Renews the lease on a build this process is running.
    func heartbeat(_ id: UUID) async throws {
        try await Build.query(on: database).filter(\.$id == id).filter(\.$status == .running)
            .set(\.$heartbeatAt, to: now()).update()
    }

    /// Fails every running build whose runner has been silent for longer than `timeout`;
    /// its server goes back to its live version (or failed). Returns how many it failed.
    @discardableResult
    func failAbandoned(silentFor timeout: Duration) async throws -> Int {
        let cutoff = now().addingTimeInterval(-Double(timeout.components.seconds))
        let running = try await Build.query(on: database).filter(\.$status == .running).all()
        var failed = 0
        for build in running where (build.heartbeatAt ?? build.startedAt ?? build.createdAt) < cutoff {
            guard try await takeOver(build.id!, silentSince: cutoff) else { continue }
            try await log(build, "Build failed: \(Self.abandonedReason) (no sign of it for \(timeout.components.seconds) s). Build again to retry.", level: "error")
            try await finish(build, error: Self.abandonedReason)
            failed += 1
        }
        return failed
    }

    /// Fails builds this process was running and has to leave (it is shutting down).
    func failLeft(_ ids: [UUID], reason: String) async throws {
        for id in ids {
            guard let build = try await Build.find(id, on: database), build.status == .running else { continue }
            try await log(build, "Build failed: \(reason). Build again to retry.", level: "error")
            try await finish(build, error: reason)
        }
    }

    /// Renews a silent build's lease in one conditional write, so when several runners
    /// notice the same silence only one of them fails the build.
    private func takeOver(_ id: UUID, silentSince cutoff: Date) async throws -> Bool {
        guard let sql = database as? any SQLDatabase else { return false }
        let row = try await sql.raw("""
            UPDATE builds SET heartbeat_at = \(bind: now())
            WHERE id = \(bind: id) AND status = 'running' AND COALESCE(heartbeat_at, started_at, created_at) < \(bind: cutoff)
            RETURNING id
            """).first()
        return row != nil
    }
}

/// The builds one runner is running now, and their tasks, so a shutdown knows which ones it leaves behind
/// and can stop them before the databases close under them.
final class RunningBuilds: Sendable {
    private let tasks = NIOLockedValueBox<[UUID: Task<Void, Never>]>([:])

    func insert(_ id: UUID, _ task: Task<Void, Never>) { tasks.withLockedValue { $0[id] = task } }
    func remove(_ id: UUID) { _ = tasks.withLockedValue { $0.removeValue(forKey: id) } }
    var all: [UUID] { tasks.withLockedValue { Array($0.keys) } }

    /// Cancels every build task still running and waits for each to return.
    func cancelAndWait() async {
        let running = tasks.withLockedValue { Array($0.values) }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }
}

extension Application {
    /// Without a runner of its own, fails every lease interval the builds whose runner went silent (a runner does
    /// this in its loop). With `BMM_RUN_BUILDS=0` and the only worker dead, nothing else would: the build stayed
    /// running, its server building and rollback refused until a worker came back.
    func startBuildLeaseWatch() {
        let lease = BuildLease(timeout: config.buildLeaseTimeout)
        let queue = BuildQueue(database: db, now: clock.now), logger = logger
        runInBackground {
            while !Task.isCancelled {
                try? await Task.sleep(for: lease.interval)
                guard !Task.isCancelled else { return }
                do { try await queue.failAbandoned(silentFor: lease.timeout) } catch { logger.reportSafely(error) }
            }
        }
    }
}
