import CJavaScriptCore
import Glibc

/// Only with `--test-hooks`, which SandboxTests pass and the app never does: a global
/// `__bmmTestHooks` through which a tool reaches past the JavaScript sandbox on purpose,
/// standing in for an engine bug, so the tests can show what the OS still stops.
enum TestHooks {
    /// How opening /proc/<parent>/environ failed ("EACCES"…) or "readable", measured
    /// after the privilege drop and before seccomp, which would kill the attempt itself.
    nonisolated(unsafe) private(set) static var parentEnviron = "not measured"

    static func probe() {
        let descriptor = open("/proc/\(getppid())/environ", O_RDONLY | O_CLOEXEC)
        if descriptor >= 0 {
            var byte: UInt8 = 0
            parentEnviron = read(descriptor, &byte, 1) >= 0 ? "readable" : errnoName(errno)
            close(descriptor)
        } else {
            parentEnviron = errnoName(errno)
        }
    }

    static func install(in context: JSGlobalContextRef) {
        let hooks = JSObjectMake(context, nil, nil)
        let functions: [(String, JSObjectCallAsFunctionCallback)] = [
            ("forbiddenSystemCall", forbiddenSystemCall),
            ("parentEnviron", reportParentEnviron),
            ("processID", reportProcessID),
            ("suspendUntilSignalled", suspendUntilSignalled),
            ("spinCPU", spinCPU),
        ]
        for (name, callback) in functions {
            let function = withJSString(name) { JSObjectMakeFunctionWithCallback(context, $0, callback) }
            withJSString(name) { JSObjectSetProperty(context, hooks, $0, function, 0, nil) }
        }
        withJSString("__bmmTestHooks") { JSObjectSetProperty(context, JSContextGetGlobalObject(context), $0, hooks, 0, nil) }
    }

    /// `__bmmTestHooks.preparedAhead` is true in a realm the worker built while idle.
    static func markPreparedAhead(_ context: JSGlobalContextRef) {
        let global = JSContextGetGlobalObject(context)
        guard let hooks = withJSString("__bmmTestHooks", { JSObjectGetProperty(context, global, $0, nil) }).flatMap({ JSValueToObject(context, $0, nil) })
        else { return }
        withJSString("preparedAhead") { JSObjectSetProperty(context, hooks, $0, JSValueMakeBoolean(context, true), 0, nil) }
    }

    private static func errnoName(_ code: Int32) -> String {
        switch code {
        case EACCES: "EACCES"
        case EPERM: "EPERM"
        case ENOENT: "ENOENT"
        default: "errno \(code)"
        }
    }
}

/// `spinCPU(ms)` uses that much of the thread's CPU time inside one native call, as one long regular-expression
/// match does: JavaScriptCore's watchdog cannot interrupt it.
private let spinCPU: JSObjectCallAsFunctionCallback = { context, _, _, count, arguments, _ in
    let milliseconds = count > 0 ? JSValueToNumber(context, arguments![0], nil) : 0
    let end = threadCPUSeconds() + milliseconds / 1000
    while threadCPUSeconds() < end {}
    return JSValueMakeUndefined(context)
}

/// socket(2) is outside the seccomp allow-list: the kernel kills the worker here.
private let forbiddenSystemCall: JSObjectCallAsFunctionCallback = { context, _, _, _, _, _ in
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    let survived = descriptor >= 0 ? "socket() returned a descriptor" : "socket() failed with errno \(errno)"
    return withJSString(survived) { JSValueMakeString(context, $0) }
}

private let reportParentEnviron: JSObjectCallAsFunctionCallback = { context, _, _, _, _, _ in
    withJSString(TestHooks.parentEnviron) { JSValueMakeString(context, $0) }
}

/// Which worker ran the call, for the workspace-isolation tests.
private let reportProcessID: JSObjectCallAsFunctionCallback = { context, _, _, _, _, _ in
    JSValueMakeNumber(context, Double(getpid()))
}

/// What JavaScriptCore does to a thread it suspends for a collection, on purpose: wait in
/// rt_sigsuspend until another thread signals it (tgkill). A filter without rt_sigsuspend
/// kills the worker here, as it once did about one call in 1,500 under load.
private let suspendUntilSignalled: JSObjectCallAsFunctionCallback = { context, _, _, _, _, _ in
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    sigemptyset(&action.sa_mask)
    sigaction(SIGUSR2, &action, nil)
    var blocked = sigset_t()
    sigemptyset(&blocked)
    sigaddset(&blocked, SIGUSR2)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &blocked, &previous)
    // pthread_kill signals one thread (tgkill), as the collector does.
    let target = UnsafeMutableRawPointer(bitPattern: UInt(pthread_self()))
    var thread = pthread_t()
    pthread_create(&thread, nil, { argument in
        usleep(10_000)
        pthread_kill(pthread_t(UInt(bitPattern: argument)), SIGUSR2)
        return nil
    }, target)
    var waiting = previous
    sigdelset(&waiting, SIGUSR2)
    sigsuspend(&waiting)
    pthread_join(thread, nil)
    pthread_sigmask(SIG_SETMASK, &previous, nil)
    return withJSString("resumed") { JSValueMakeString(context, $0) }
}
