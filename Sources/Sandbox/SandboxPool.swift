import Foundation

/// Long-lived bmm-sandbox-worker processes, each running one call at a time. Calls
/// wait in a bounded queue when every worker is busy. A worker that is killed for a
/// limit, crashes, has served `recycleAfterCalls` calls or stays large after a call is
/// replaced by a fresh process.
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
        /// The workers' whole environment (nothing is inherited from this process),
        /// e.g. JavaScriptCore options such as `JSC_useJIT=false`. Swift's crash
        /// backtracer is always switched off: it would start a helper that dumps the
        /// worker's memory and holds on to its channel.
        public var environment: [String: String]

        public init(
            workerExecutable: String = SandboxPool.defaultWorkerExecutable(),
            workers: Int = 2,
            maxQueuedCalls: Int = 256,
            recycleAfterCalls: Int = 1000,
            recycleAboveResidentMegabytes: Int = 64,
            environment: [String: String] = ["LANG": "C.UTF-8"]
        ) {
            self.workerExecutable = workerExecutable
            self.workers = workers
            self.maxQueuedCalls = maxQueuedCalls
            self.recycleAfterCalls = recycleAfterCalls
            self.recycleAboveResidentMegabytes = recycleAboveResidentMegabytes
            self.environment = environment
        }
    }

    /// `bmm-sandbox-worker` next to the running executable, where SwiftPM builds it
    /// (and where the test runner lives during `swift test`).
    public static func defaultWorkerExecutable() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("bmm-sandbox-worker").path
    }

    private typealias Lease = (worker: WorkerProcess, callID: Int)

    private let configuration: Configuration
    private let monitor = ResourceMonitor()
    private var idle: [WorkerProcess] = []
    private var live: [pid_t: WorkerProcess] = [:]
    private var waiters: [(id: Int, continuation: CheckedContinuation<Result<Lease, SandboxFailure>, Never>)] = []
    private var nextWaiterID = 0
    private var nextCallID = 0
    private var isShutDown = false

    /// Fails with `.workerUnavailable` if the worker executable is missing; workers
    /// themselves start on first use.
    public init(configuration: Configuration = Configuration()) throws(SandboxFailure) {
        guard access(configuration.workerExecutable, X_OK) == 0 else {
            throw .workerUnavailable("the worker executable \(configuration.workerExecutable) is missing or not executable")
        }
        self.configuration = configuration
    }

    deinit {
        for worker in live.values {
            worker.kill(because: .cancelled)
        }
        monitor.stop()
    }

    /// Runs one tool call. Never throws: every failure, including a full queue, is in
    /// the outcome.
    public nonisolated func run(_ call: SandboxCall, fetcher: any SandboxFetcher) async -> SandboxOutcome {
        switch await acquire() {
        case .failure(let failure):
            return SandboxOutcome(result: .failure(failure))
        case .success(let lease):
            let outcome = await CallExecution(worker: lease.worker, monitor: monitor, callID: lease.callID).run(call, fetcher: fetcher)
            await release(lease.worker)
            return outcome
        }
    }

    /// Checks that an implementation compiles (syntax errors name the line in the body)
    /// without running it.
    public nonisolated func compile(_ implementation: String) async -> Result<Void, SandboxFailure> {
        switch await acquire() {
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
        idle.removeAll()
        let pending = waiters
        waiters.removeAll()
        pending.forEach { $0.continuation.resume(returning: .failure(.cancelled)) }
        monitor.stop()
    }

    /// Process ids of the live workers, for diagnostics and tests.
    func workerProcessIDs() -> [pid_t] {
        live.keys.sorted()
    }

    // MARK: Leasing

    private func acquire() async -> Result<Lease, SandboxFailure> {
        guard !isShutDown else { return .failure(.workerUnavailable("the sandbox pool has been shut down")) }
        while let worker = idle.popLast() {
            if worker.isAlive { return .success(lease(worker)) }
            live[worker.pid] = nil
        }
        if live.count < configuration.workers {
            switch spawn() {
            case .success(let worker): return .success(lease(worker))
            case .failure(let failure): return .failure(failure)
            }
        }
        guard waiters.count < configuration.maxQueuedCalls else { return .failure(.busy) }
        let id = nextWaiterID
        nextWaiterID += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append((id, continuation))
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
        live[worker.pid] = nil
        replenish()
    }

    /// Gives a free worker to the longest-waiting call, or parks it.
    private func hand(_ worker: WorkerProcess) {
        guard !waiters.isEmpty else {
            idle.append(worker)
            return
        }
        let waiter = waiters.removeFirst()
        waiter.continuation.resume(returning: .success(lease(worker)))
    }

    /// Starts a replacement at once so the next call does not pay for the start-up.
    private func replenish() {
        guard !isShutDown, live.count < configuration.workers else { return }
        switch spawn() {
        case .success(let worker):
            hand(worker)
        case .failure(let failure):
            guard live.isEmpty else { return }
            let pending = waiters
            waiters.removeAll()
            pending.forEach { $0.continuation.resume(returning: .failure(failure)) }
        }
    }

    private func spawn() -> Result<WorkerProcess, SandboxFailure> {
        do throws(SandboxFailure) {
            var environment = configuration.environment
            environment["SWIFT_BACKTRACE"] = "enable=no"
            let worker = try WorkerProcess.spawn(executable: configuration.workerExecutable, environment: environment)
            live[worker.pid] = worker
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
