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
        ]
        for (name, callback) in functions {
            let function = withJSString(name) { JSObjectMakeFunctionWithCallback(context, $0, callback) }
            withJSString(name) { JSObjectSetProperty(context, hooks, $0, function, 0, nil) }
        }
        withJSString("__bmmTestHooks") { JSObjectSetProperty(context, JSContextGetGlobalObject(context), $0, hooks, 0, nil) }
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
