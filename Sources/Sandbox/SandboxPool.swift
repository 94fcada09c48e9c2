import Foundation

/// Long-lived bmm-sandbox-worker processes, each running one call at a time, each
/// contained by the operating system as far as this machine allows (`containment`).
/// Calls wait in a bounded queue when every worker is busy. A worker that is killed for
/// a limit, crashes, has served `recycleAfterCalls` calls or stays large after a call is
/// replaced by a fresh process. Under `.workspace` isolation a worker serves only the
/// workspace it was started for; a call from another workspace takes a free slot or the
/// least recently used idle worker's place.
public actor SandboxPool {
    public struct Configuration: Sendable {
        /// Path of the bmm-sandbox-worker executable.
        public var workerExecutable: String
        public var workers: Int
        /// Calls allowed to wait for a worker; beyond that `run` fails with `.busy`.
        public var maxQueuedCalls: Int
        /// Bounds whatever a long-lived JavaScriptCore VM accumulates.
        public var recycleAfterCalls: Int
        /// A worker whose resident memory is still above this after a call is replaced,
        /// so the next call starts with most of its memory allowance (the memory limit
        /// counts the worker's whole resident set: about 25 MB fresh, 45 MB after a
        /// thousand small calls).
        public var recycleAboveResidentMegabytes: Int
        public var containment: SandboxContainment
        public var isolation: SandboxIsolation

        public init(
            workerExecutable: String = SandboxPool.defaultWorkerExecutable(),
            workers: Int = 2,
            maxQueuedCalls: Int = 256,
            recycleAfterCalls: Int = 1000,
            recycleAboveResidentMegabytes: Int = 64,
            containment: SandboxContainment = SandboxContainment(),
            isolation: SandboxIsolation = .shared
        ) {
            self.workerExecutable = workerExecutable
            self.workers = workers
            self.maxQueuedCalls = maxQueuedCalls
            self.recycleAfterCalls = recycleAfterCalls
            self.recycleAboveResidentMegabytes = recycleAboveResidentMegabytes
            self.containment = containment
            self.isolation = isolation
        }
    }

    /// `bmm-sandbox-worker` next to the running executable, where SwiftPM builds it
    /// (and where the test runner lives during `swift test`).
    public static func defaultWorkerExecutable() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("bmm-sandbox-worker").path
    }

    /// The workers' whole environment: nothing of this process's. Swift's crash
    /// backtracer reads its switch before `main`, so it cannot come as an argument; it
    /// would start a helper that dumps the worker's memory and holds on to its channel.
    static let workerEnvironment = ["SWIFT_BACKTRACE": "enable=no"]

    private typealias Lease = (worker: WorkerProcess, callID: Int)
    private typealias Waiter = (id: Int, workspace: String, continuation: CheckedContinuation<Result<Lease, SandboxFailure>, Never>)

    /// Which walls the workers have on this machine.
    public nonisolated let containment: ContainmentReport
    private let configuration: Configuration
    private let plan: ContainmentPlan
    private let monitor = ResourceMonitor()
    /// Least recently used first.
    private var idle: [WorkerProcess] = []
    private var live: [pid_t: WorkerProcess] = [:]
    /// The workspace each live worker serves, under `.workspace` isolation.
    private var workspaceOf: [pid_t: String] = [:]
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var nextCallID = 0
    private var isShutDown = false

    /// Fails with `.workerUnavailable` if the worker executable is missing or the
    /// containment settings name an unusable account; workers themselves start on first
    /// use. Marks this process non-dumpable, so a worker cannot read its memory or
    /// environment through /proc even under the same uid.
    public init(configuration: Configuration = Configuration()) throws(SandboxFailure) {
        guard access(configuration.workerExecutable, X_OK) == 0 else {
            throw .workerUnavailable("the worker executable \(configuration.workerExecutable) is missing or not executable")
        }
        self.configuration = configuration
        plan = try ContainmentPlan(configuration.containment, isolation: configuration.isolation)
        containment = plan.report
    }

    deinit {
        for worker in live.values {
            worker.kill(because: .cancelled)
        }
        monitor.stop()
        plan.removeDirectory()
        plan.memoryCgroup?.remove()
    }

    /// Runs one tool call. Never throws: every failure, including a full queue, is in
    /// the outcome.
    public nonisolated func run(_ call: SandboxCall, fetcher: any SandboxFetcher) async -> SandboxOutcome {
        switch await acquire(for: call.workspace) {
        case .failure(let failure):
            return SandboxOutcome(result: .failure(failure))
        case .success(let lease):
            let outcome = await CallExecution(worker: lease.worker, monitor: monitor, callID: lease.callID).run(call, fetcher: fetcher)
            await release(lease.worker)
            return outcome
        }
    }

    /// Checks that an implementation compiles (syntax errors name the line in the body)
    /// without running it, on a worker of `workspace` (the parser is tenant code's first
    /// contact with the engine too).
    public nonisolated func compile(_ implementation: String, workspace: String? = nil) async -> Result<Void, SandboxFailure> {
        switch await acquire(for: workspace) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let lease):
            let result = await CallExecution(worker: lease.worker, monitor: monitor, callID: lease.callID).compile(implementation)
            await release(lease.worker)
            return result
        }
    }

    /// Kills every worker (calls in progress end as `.cancelled`) and refuses new calls.
    public func shutdown() {
        isShutDown = true
        for worker in live.values {
            worker.kill(because: .cancelled)
        }
        live.removeAll()
        workspaceOf.removeAll()
        idle.removeAll()
        let pending = waiters
        waiters.removeAll()
        pending.forEach { $0.continuation.resume(returning: .failure(.cancelled)) }
        monitor.stop()
        // Apps and tests may keep a shut-down pool around; its directory goes now.
        plan.removeDirectory()
    }

    /// Process ids of the live workers, for diagnostics and tests.
    func workerProcessIDs() -> [pid_t] {
        live.keys.sorted()
    }

    // MARK: Leasing

    private func acquire(for workspace: String?) async -> Result<Lease, SandboxFailure> {
        guard !isShutDown else { return .failure(.workerUnavailable("the sandbox pool has been shut down")) }
        let key = bindingKey(workspace)
        idle.removeAll { worker in
            guard !worker.isAlive else { return false }
            forget(worker)
            return true
        }
        if let index = idle.lastIndex(where: { workspaceOf[$0.pid] == key }) {
            return .success(lease(idle.remove(at: index)))
        }
        if live.count >= configuration.workers, !idle.isEmpty {
            // Only under workspace isolation: every idle worker serves another workspace.
            let oldest = idle.removeFirst()
            oldest.kill(because: .cancelled)
            forget(oldest)
        }
        if live.count < configuration.workers {
            switch spawn(for: key) {
            case .success(let worker): return .success(lease(worker))
            case .failure(let failure): return .failure(failure)
            }
        }
        guard waiters.count < configuration.maxQueuedCalls else { return .failure(.busy) }
        let id = nextWaiterID
        nextWaiterID += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append((id, key, continuation))
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func lease(_ worker: WorkerProcess) -> Lease {
        nextCallID += 1
        return (worker, nextCallID)
    }

    private func release(_ worker: WorkerProcess) {
        let limit = configuration.recycleAboveResidentMegabytes * 1024 * 1024
        let keep = !isShutDown && worker.isAlive
            && worker.callsServed < configuration.recycleAfterCalls
            && (worker.usage()?.residentBytes ?? .max) <= limit
        if keep {
            hand(worker)
            return
        }
        worker.kill(because: .cancelled)
        forget(worker)
        replenish()
    }

    /// Gives a free worker to the longest-waiting call it may serve, or parks it. Under
    /// workspace isolation, if only other workspaces' calls wait, the worker makes way
    /// for one of theirs.
    private func hand(_ worker: WorkerProcess) {
        let key = workspaceOf[worker.pid]
        if let index = waiters.firstIndex(where: { $0.workspace == key }) {
            waiters.remove(at: index).continuation.resume(returning: .success(lease(worker)))
        } else if waiters.isEmpty {
            idle.append(worker)
        } else {
            worker.kill(because: .cancelled)
            forget(worker)
            replenish()
        }
    }

    /// Starts a replacement at once so the next call does not pay for the start-up:
    /// for the longest-waiting call's workspace, or for any.
    private func replenish() {
        guard !isShutDown, live.count < configuration.workers else { return }
        switch spawn(for: waiters.first?.workspace ?? bindingKey(nil)) {
        case .success(let worker):
            hand(worker)
        case .failure(let failure):
            guard live.isEmpty else { return }
            let pending = waiters
            waiters.removeAll()
            pending.forEach { $0.continuation.resume(returning: .failure(failure)) }
        }
    }

    /// Calls without a workspace (and every call under `.shared`) share one key.
    private func bindingKey(_ workspace: String?) -> String {
        configuration.isolation == .workspace ? workspace ?? "" : ""
    }

    private func forget(_ worker: WorkerProcess) {
        live[worker.pid] = nil
        workspaceOf[worker.pid] = nil
    }

    private func spawn(for key: String) -> Result<WorkerProcess, SandboxFailure> {
        do throws(SandboxFailure) {
            let worker = try WorkerProcess.spawn(
                executable: configuration.workerExecutable,
                arguments: plan.arguments,
                environment: Self.workerEnvironment,
                memoryCgroup: plan.memoryCgroup
            )
            live[worker.pid] = worker
            workspaceOf[worker.pid] = key
            return .success(worker)
        } catch {
            return .failure(error)
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: .failure(.cancelled))
    }
}
