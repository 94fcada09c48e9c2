import CJavaScriptCore
import Glibc

/// The call's CPU allowance, enforced with JavaScriptCore's watchdog. The watchdog
/// restarts its period at every entry into the VM (each fetch reply is one), so the
/// callback measures this thread's real CPU time since the call began and terminates
/// only once the whole budget is spent; otherwise it re-arms itself for the rest.
/// The watchdog calls back on the JavaScript thread, the only thread the worker runs JS on.
final class CPUBudget {
    private let group: JSContextGroupRef
    private var deadline: Double = .infinity
    private(set) var isExceeded = false

    init(group: JSContextGroupRef) {
        self.group = group
    }

    func begin(milliseconds: Double) {
        deadline = threadCPUSeconds() + milliseconds / 1000
        isExceeded = false
    }

    /// Points the watchdog at what is left of the budget before entering the VM; false
    /// (and nothing may run) once the budget is spent.
    func arm() -> Bool {
        let remaining = deadline - threadCPUSeconds()
        guard remaining > 0 else {
            isExceeded = true
            return false
        }
        setLimit(remaining)
        return true
    }

    func end() {
        JSContextGroupClearExecutionTimeLimit(group)
    }

    fileprivate func watchdogFired() -> Bool {
        let remaining = deadline - threadCPUSeconds()
        if remaining <= 0.002 {
            isExceeded = true
            return true
        }
        setLimit(remaining)
        return false
    }

    private func setLimit(_ seconds: Double) {
        JSContextGroupSetExecutionTimeLimit(group, max(seconds, 0.005), cpuBudgetWatchdog, Unmanaged.passUnretained(self).toOpaque())
    }
}

private func cpuBudgetWatchdog(_ context: JSContextRef?, _ info: UnsafeMutableRawPointer?) -> Bool {
    guard let info else { return true }
    return Unmanaged<CPUBudget>.fromOpaque(info).takeUnretainedValue().watchdogFired()
}

func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
