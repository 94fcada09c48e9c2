import Foundation

/// Long-lived bmm-sandbox-worker processes, each running one call at a time, each
/// contained by the operating system as far as this machine allows (`containment`).
/// When every worker is busy, calls wait, taking turns by workspace and by server
/// (`FairQueue`), for at most `queueSeconds`; past that, or beyond `maxQueuedCalls`, they
/// fail as `.overloaded` without having run. A worker that is killed for
/// a limit, crashes, has served `recycleAfterCalls` calls or stays large after a call is
/// replaced by a fresh process. Under `.workspace` isolation a worker serves only the
/// workspace it was started for; a call from another workspace takes a free slot or the
/// least recently used idle worker's place. With `warmRealms`, a worker keeps a ready
/// context per server version (`RealmKey`) and a call prefers an idle worker that already
/// holds its realm; otherwise any idle worker serves it and builds the realm, if the realm
/// is admitted (`RealmAdmission`: its server was called lately), or runs it in a fresh context.
public actor SandboxPool {
    public struct Configuration: Sendable {
        /// Path of the bmm-sandbox-worker executable.
        public var workerExecutable: String
        /// Worker processes at most; one per core by default, since a call is CPU work.
        public var workers: Int
        /// Calls allowed to wait for a worker at once, a bound on memory rather than on
        /// waiting (the deadline is that); beyond it `run` fails with `.overloaded`.
        public var maxQueuedCalls: Int
        /// How long a call may wait for a worker before it fails with `.overloaded` (it is told up to
        /// `expiryTick` later).
        public var queueSeconds: Double
        /// Bounds whatever a long-lived JavaScriptCore VM accumulates. 10,000 rather than 1,000: a fresh
        /// worker links JavaScriptCore and rebuilds its realms, and at a thousand calls that was a tenth of a
        /// hot server's CPU per call (Benchmarks/mcp: 0.42 → 0.39 ms, +20% calls/s). Realms are still
        /// discarded after 1,000 calls, and the resident-memory check below still replaces a grown worker.
        public var recycleAfterCalls: Int
        /// A worker whose resident memory is still above this after a call is replaced,
        /// so the next call starts with most of its memory allowance (the memory limit
        /// counts the worker's whole resident set: about 25 MB fresh, 45 MB after a
        /// thousand small calls).
        public var recycleAboveResidentMegabytes: Int
        public var containment: SandboxContainment
        public var isolation: SandboxIsolation
        /// Workers keep a context per server version between its calls (`RealmKey`); off, every
        /// call runs in a fresh context.
        public var warmRealms: Bool

        public init(
            workerExecutable: String = SandboxPool.defaultWorkerExecutable(),
            workers: Int = SandboxPool.defaultWorkerCount,
            maxQueuedCalls: Int = 10_000,
            queueSeconds: Double = 10,
            recycleAfterCalls: Int = 10_000,
            recycleAboveResidentMegabytes: Int = 64,
            containment: SandboxContainment = SandboxContainment(),
            isolation: SandboxIsolation = .shared,
            warmRealms: Bool = true
        ) {
            self.workerExecutable = workerExecutable
            self.workers = workers
            self.maxQueuedCalls = maxQueuedCalls
            self.queueSeconds = queueSeconds
            self.recycleAfterCalls = recycleAfterCalls
            self.recycleAboveResidentMegabytes = recycleAboveResidentMegabytes
            self.containment = containment
            self.isolation = isolation
            self.warmRealms = warmRealms
        }
    }

    /// The cores this process may use, at least 1.
    public static var defaultWorkerCount: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
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

    private typealias Lease = (worker: WorkerProcess, callID: Int, realm: String?)

    private struct Waiter {
        /// The workspace whose workers may serve the call (`bindingKey`).
        let binding: String
        /// The realm the call runs in, if it has one (warm realms, and the realm admitted).
        let realm: String?
        let continuation: CheckedContinuation<Result<Lease, SandboxFailure>, Never>
    }

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
    /// The realms each live worker is believed to keep, most recently used last: those its
    /// calls ended well in, at most as many as a worker keeps (its RealmCache). A worker may
    /// have dropped one since (idle, or its quota of calls); that costs only a rebuild.
    private var realmsOf: [pid_t: [String]] = [:]
    static let realmsPerWorker = 32
    /// How many of a workspace's waiting servers a free worker looks at for one whose realm it
    /// holds, and how many turns in a row the server first in line may be passed over for one.
    /// (200 servers called at random, 3 alternating rounds: 8 and 4 gave p99 79 ms, 16 and 8 67 ms,
    /// 32 and 16 73 ms, and no bound 85 ms: a server passed over too long makes the tail.)
    static let realmLookahead = 16
    static let maxRealmPasses = 8
    /// Realms seen once that each worker's share of `admission` remembers: twice what a worker keeps.
    static let admissionWindowPerWorker = 2 * realmsPerWorker
    private var admission: RealmAdmission
    private var waiters = FairQueue<Waiter>()
    /// When each waiting call gives up, in the order the calls began to wait (all wait equally
    /// long, so the first is always the next due). One task expires them (`expireOverdue`): a
    /// deadline task per waiting call cost a saturated hot server a task, a timer and a timer
    /// thread wake-up on nearly every call.
    private var deadlines = FrontQueue<(id: Int, at: ContinuousClock.Instant)>()
    private var expiry: Task<Void, Never>?
    private var nextWaiterID = 0
    private var nextCallID = 0
    private var isShutDown = false
    private var overloadedCount = 0
    private var workersKilled: [String: Int] = [:]
    /// When each busy worker's lease began, and a moving average of how long leases last:
    /// the basis of the `Retry-After` estimate.
    private var leasedAt: [pid_t: ContinuousClock.Instant] = [:]
    private var averageLeaseSeconds = 0.05
    /// When each worker's resident memory was last read from /proc. Reading it after every
    /// call cost about a twentieth of a warm call's CPU; the hard memory limit still ends a
    /// call that grows past it at once, so this soft recycle check runs at most this often.
    private var residentCheckedAt: [pid_t: ContinuousClock.Instant] = [:]
    static let residentCheckInterval: Duration = .milliseconds(100)

    /// Fails with `.workerUnavailable` if the worker executable is missing or the
    /// containment settings name an unusable account; workers themselves start on first
    /// use. Marks this process non-dumpable, so a worker cannot read its memory or
    /// environment through /proc even under the same uid.
    public init(configuration: Configuration = Configuration()) throws(SandboxFailure) {
        guard access(configuration.workerExecutable, X_OK) == 0 else {
            throw .workerUnavailable("the worker executable \(configuration.workerExecutable) is missing or not executable")
        }
        self.configuration = configuration
        admission = RealmAdmission(window: configuration.workers * Self.admissionWindowPerWorker)
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
        let outcome = await runOnce(call, fetcher: fetcher)
        // Once, on a fresh worker: a call whose worker died before it had any effect outside
        // the worker (see `diedWithoutEffect`) has not run as far as anyone can tell.
        guard outcome.diedWithoutEffect, !Task.isCancelled else { return outcome }
        var again = await runOnce(call, fetcher: fetcher)
        again.queuedMilliseconds += outcome.queuedMilliseconds
        return again
    }

    private nonisolated func runOnce(_ call: SandboxCall, fetcher: any SandboxFetcher) async -> SandboxOutcome {
        let realm = configuration.warmRealms ? RealmKey.of(call) : nil
        let asked = ContinuousClock.now
        let acquired = await acquire(workspace: call.workspace, server: call.server, realm: realm)
        let queued = (ContinuousClock.now - asked) / .milliseconds(1)
        var outcome: SandboxOutcome
        switch acquired {
        case .failure(let failure):
            outcome = SandboxOutcome(result: .failure(failure))
        case .success(let lease):
            call.onStart?()
            outcome = await CallExecution(worker: lease.worker, monitor: monitor, callID: lease.callID).run(call, realm: lease.realm, fetcher: fetcher)
            // The worker keeps a realm only after a call that ended well in it.
            let kept: Bool
            if case .success = outcome.result { kept = true } else { kept = false }
            await release(lease.worker, realm: lease.realm, kept: kept)
        }
        outcome.queuedMilliseconds = queued
        return outcome
    }

    /// Checks that an implementation compiles (syntax errors name the line in the body)
    /// without running it, on a worker of `workspace` (the parser is tenant code's first
    /// contact with the engine too).
    public nonisolated func compile(_ implementation: String, workspace: String? = nil, server: String? = nil) async -> Result<Void, SandboxFailure> {
        switch await acquire(workspace: workspace, server: server) {
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
        realmsOf.removeAll()
        admission.removeAll()
        idle.removeAll()
        leasedAt.removeAll()
        for waiter in waiters.removeAll() {
            waiter.continuation.resume(returning: .failure(.cancelled))
        }
        deadlines.removeAll()
        expiry?.cancel()
        expiry = nil
        monitor.stop()
        // Apps and tests may keep a shut-down pool around; its directory goes now.
        plan.removeDirectory()
    }

    /// Process ids of the live workers, for diagnostics and tests.
    public func workerProcessIDs() -> [pid_t] {
        live.keys.sorted()
    }

    public func statistics() -> SandboxPoolStatistics {
        SandboxPoolStatistics(workers: configuration.workers, live: live.count, busy: live.count - idle.count, idle: idle.count,
                              queued: waiters.count, overloaded: overloadedCount, leased: nextCallID, workersKilled: workersKilled)
    }

    // MARK: Leasing

    /// A worker for a call that wants `realm`; the lease says whether the call runs in it or,
    /// the realm not admitted, in a fresh context.
    private func acquire(workspace: String?, server: String?, realm wanted: String? = nil) async -> Result<Lease, SandboxFailure> {
        guard !isShutDown else { return .failure(.workerUnavailable("the sandbox pool has been shut down")) }
        let realm = wanted.flatMap { isHeld($0) || admission.admits($0) ? $0 : nil }
        let key = bindingKey(workspace)
        idle.removeAll { worker in
            guard !worker.isAlive else { return false }
            retire(worker, because: killReason(of: worker) ?? SandboxFailure.workerCrashed.code)
            return true
        }
        if let realm, let index = idle.lastIndex(where: { workspaceOf[$0.pid] == key && realmsOf[$0.pid]?.contains(realm) == true }) {
            return .success(lease(idle.remove(at: index), realm: realm))
        }
        if let index = idle.lastIndex(where: { workspaceOf[$0.pid] == key }) {
            return .success(lease(idle.remove(at: index), realm: realm))
        }
        if live.count >= configuration.workers, !idle.isEmpty {
            // Only under workspace isolation: every idle worker serves another workspace.
            retire(idle.removeFirst(), because: "workspace_switch")
        }
        if live.count < configuration.workers {
            switch spawn(for: key) {
            case .success(let worker): return .success(lease(worker, realm: realm))
            case .failure(let failure): return .failure(failure)
            }
        }
        guard waiters.count < configuration.maxQueuedCalls else { return .failure(refuseAsOverloaded()) }
        let id = nextWaiterID
        nextWaiterID += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiters.append(Waiter(binding: key, realm: realm, continuation: continuation), id: id,
                               workspace: workspace ?? "", server: server ?? "")
                deadlines.append((id, .now + .seconds(configuration.queueSeconds)))
                if expiry == nil { expiry = Task { await self.expireOverdue() } }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func lease(_ worker: WorkerProcess, realm: String? = nil) -> Lease {
        nextCallID += 1
        leasedAt[worker.pid] = .now
        return (worker, nextCallID, realm)
    }

    /// Whether some live worker is believed to keep `realm`.
    private func isHeld(_ realm: String) -> Bool {
        realmsOf.values.contains { $0.contains(realm) }
    }

    private func release(_ worker: WorkerProcess, realm: String? = nil, kept: Bool = false) {
        if let started = leasedAt.removeValue(forKey: worker.pid) {
            averageLeaseSeconds = averageLeaseSeconds * 0.9 + (ContinuousClock.now - started) / .seconds(1) * 0.1
        }
        guard !isShutDown else {
            worker.kill(because: .cancelled)
            forget(worker)
            return
        }
        if let reason = killReason(of: worker) {
            retire(worker, because: reason)
            replenish()
        } else {
            if let realm { note(realm, kept: kept, by: worker) }
            hand(worker)
        }
    }

    private func note(_ realm: String, kept: Bool, by worker: WorkerProcess) {
        var realms = realmsOf[worker.pid] ?? []
        realms.removeAll { $0 == realm }
        if kept {
            realms.append(realm)
            if realms.count > Self.realmsPerWorker { realms.removeFirst() }
        }
        realmsOf[worker.pid] = realms
    }

    /// Why a worker coming back from a call must go, or nil if it may serve another.
    private func killReason(of worker: WorkerProcess) -> String? {
        if worker.terminationSignal == SIGSYS { return SandboxFailure.forbiddenSystemCall.code }
        // Only a worker that is gone can have been killed for its memory: a living one's cgroup is not read.
        if !worker.isAlive && worker.wasKilledForMemory { return SandboxFailure.memoryLimit.code }
        if let reason = worker.killReason { return reason.code }
        if !worker.isAlive { return worker.terminationSignal == nil ? "recycled" : SandboxFailure.workerCrashed.code }
        if worker.callsServed >= configuration.recycleAfterCalls { return "recycled" }
        let now = ContinuousClock.now
        if let checked = residentCheckedAt[worker.pid], now - checked < Self.residentCheckInterval { return nil }
        residentCheckedAt[worker.pid] = now
        let limit = configuration.recycleAboveResidentMegabytes * 1024 * 1024
        guard let usage = worker.usage() else { return SandboxFailure.workerCrashed.code }
        return usage.residentBytes > limit ? "resident_memory" : nil
    }

    /// Gives a free worker to the call whose turn it is, or parks it. Under workspace
    /// isolation, if that call belongs to another workspace, the worker makes way for one
    /// started for it.
    private func hand(_ worker: WorkerProcess) {
        guard let next = waiters.next else {
            idle.append(worker)
            return
        }
        guard next.binding == workspaceOf[worker.pid] else {
            retire(worker, because: "workspace_switch")
            replenish()
            return
        }
        serveNext(with: worker)
    }

    /// The waiting call whose turn it is gets `worker`; or, of its workspace's next `realmLookahead`
    /// servers, the first whose realm the worker holds. Under load every call waits and every
    /// worker comes here: served strictly in turn, a call spread over many servers seldom met a
    /// worker holding its realm, and building a realm costs about ten warm calls.
    private func serveNext(with worker: WorkerProcess) {
        let held = realmsOf[worker.pid] ?? []
        let next = held.isEmpty
            ? waiters.popNext()
            : waiters.popNext(lookahead: Self.realmLookahead, maxPasses: Self.maxRealmPasses) { $0.realm.map(held.contains) ?? false }
        guard let waiter = next else {
            idle.append(worker)
            return
        }
        waiter.continuation.resume(returning: .success(lease(worker, realm: waiter.realm)))
    }

    /// Starts a replacement at once so the next call does not pay for the start-up:
    /// for the workspace of the call whose turn it is, or for any.
    private func replenish() {
        guard !isShutDown, live.count < configuration.workers else { return }
        switch spawn(for: waiters.next?.binding ?? bindingKey(nil)) {
        case .success(let worker):
            serveNext(with: worker)
        case .failure(let failure):
            guard live.isEmpty else { return }
            for waiter in waiters.removeAll() {
                waiter.continuation.resume(returning: .failure(failure))
            }
        }
    }

    /// Kills a worker the pool gives up on and counts why.
    private func retire(_ worker: WorkerProcess, because reason: String) {
        worker.kill(because: .cancelled)
        forget(worker)
        workersKilled[reason, default: 0] += 1
    }

    /// The failure for a call that gets no worker, with a guess at when one will be free:
    /// the queue ahead of a new call, at the recent pace of calls, spread over the workers.
    private func refuseAsOverloaded() -> SandboxFailure {
        overloadedCount += 1
        let drain = Double(waiters.count + 1) * averageLeaseSeconds / Double(max(1, configuration.workers))
        return .overloaded(retryAfterSeconds: min(60, max(1, Int(drain.rounded(.up)))))
    }

    /// Calls without a workspace (and every call under `.shared`) share one key.
    private func bindingKey(_ workspace: String?) -> String {
        configuration.isolation == .workspace ? workspace ?? "" : ""
    }

    private func forget(_ worker: WorkerProcess) {
        live[worker.pid] = nil
        workspaceOf[worker.pid] = nil
        realmsOf[worker.pid] = nil
        leasedAt[worker.pid] = nil
        residentCheckedAt[worker.pid] = nil
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
        guard let waiter = waiters.remove(id: id) else { return }
        waiter.continuation.resume(returning: .failure(.cancelled))
    }

    /// Fails the calls that waited past their deadline, as long as any call waits. It wakes at
    /// most every `expiryTick`, so a call gives up up to that much after its deadline, and at
    /// least every second to forget the calls that got a worker meanwhile.
    private func expireOverdue() async {
        while !isShutDown {
            let now = ContinuousClock.now
            while let first = deadlines.first, first.at <= now || !waiters.contains(id: first.id) {
                deadlines.removeFirst()
                guard let waiter = waiters.remove(id: first.id) else { continue }
                waiter.continuation.resume(returning: .failure(refuseAsOverloaded()))
            }
            guard let next = deadlines.first else { break }
            let wake = min(max(next.at, now + Self.expiryTick), now + .seconds(1))
            guard (try? await Task.sleep(until: wake, clock: .continuous)) != nil else { break }
        }
        expiry = nil
    }

    static let expiryTick: Duration = .milliseconds(50)
}
