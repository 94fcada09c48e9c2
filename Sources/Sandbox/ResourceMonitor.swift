import Foundation

/// Enforces the limits a worker cannot enforce on itself: wall-clock time, resident
/// memory (JavaScriptCore reserves tens of GB of address space, so RLIMIT_AS is
/// unusable) and total process CPU (an endless chain of promise jobs escapes the
/// engine's watchdog). A dedicated thread polls /proc every 20 ms while calls run and
/// SIGKILLs an offender; the call then ends with the matching failure.
final class ResourceMonitor: Sendable {
    static let pollInterval: useconds_t = 20_000

    private struct Watch {
        let worker: WorkerProcess
        let deadline: ContinuousClock.Instant
        let memoryLimitBytes: Int
        let cpuCeilingMilliseconds: Int
    }

    private struct State {
        var watches: [Int: Watch] = [:]
        var nextToken = 0
        var isStopped = false
    }

    private let condition = NSCondition()
    private nonisolated(unsafe) var state = State()

    init() {
        let thread = Thread { [self] in loop() }
        thread.name = "bmm-sandbox-monitor"
        thread.start()
    }

    /// Starts watching a worker for one call; returns the token for `unwatch`.
    func watch(_ worker: WorkerProcess, limits: SandboxLimits) -> Int {
        // A reading up to 50 ms old (this thread's own, from the worker's previous call): a start reading
        // that old lowers the ceiling by at most the CPU used since, which its 250 ms of slack absorbs.
        let startCPU = worker.recentUsage(maxAge: .milliseconds(50))?.cpuMilliseconds ?? 0
        let watch = Watch(
            worker: worker,
            deadline: .now + .milliseconds(limits.wallMilliseconds),
            memoryLimitBytes: limits.memoryMegabytes * 1024 * 1024,
            // The worker stops the JavaScript thread at the limit itself; the process as a
            // whole (JIT and GC threads included) gets twice that before it is killed.
            cpuCeilingMilliseconds: startCPU + 2 * limits.cpuMilliseconds + 250
        )
        condition.lock()
        defer { condition.unlock() }
        let token = state.nextToken
        state.nextToken += 1
        state.watches[token] = watch
        condition.signal()
        return token
    }

    func unwatch(_ token: Int) {
        condition.lock()
        defer { condition.unlock() }
        state.watches[token] = nil
    }

    func stop() {
        condition.lock()
        defer { condition.unlock() }
        state.isStopped = true
        condition.signal()
    }

    private func loop() {
        while true {
            condition.lock()
            while state.watches.isEmpty && !state.isStopped {
                condition.wait()
            }
            if state.isStopped {
                condition.unlock()
                return
            }
            let watches = Array(state.watches.values)
            condition.unlock()

            for watch in watches {
                check(watch)
            }
            usleep(Self.pollInterval)
        }
    }

    private func check(_ watch: Watch) {
        let worker = watch.worker
        guard worker.isAlive, let usage = worker.usage() else { return }
        if usage.hasDied {
            worker.kill(because: .workerCrashed)
        } else if ContinuousClock.now >= watch.deadline {
            worker.kill(because: .wallClockLimit)
        } else if usage.residentBytes > watch.memoryLimitBytes {
            worker.kill(because: .memoryLimit)
        } else if usage.cpuMilliseconds > watch.cpuCeilingMilliseconds {
            worker.kill(because: .cpuLimit)
        }
    }
}
