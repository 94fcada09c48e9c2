import Glibc

/// How the parent asked this worker to be contained. They come as arguments because the
/// environment is empty: `--uid N --gid N --directory PATH --network isolate|isolate-user
/// --seccomp --jit --test-hooks`. Parsed with C string comparisons: Swift's String comparison pages
/// in Unicode tables that every worker would then carry in its resident memory.
struct WorkerOptions {
    var uid: uid_t?
    var gid: gid_t?
    var directory: String?
    var network: NetworkIsolation = .none
    var seccomp = false
    var jit = false
    /// Only SandboxTests pass this; it adds `__bmmTestHooks` to every context.
    var testHooks = false

    enum NetworkIsolation {
        case none
        /// unshare(CLONE_NEWNET): the app is root.
        case isolate
        /// A user namespace too, which lets an unprivileged process own a network namespace.
        case isolateWithUserNamespace
    }

    init(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var index = 1
        func value() -> UnsafeMutablePointer<CChar> {
            index += 1
            guard index < Int(argc), let value = argv[index] else { exitWorker("an option is missing its value", code: 2) }
            return value
        }
        while index < Int(argc), let argument = argv[index] {
            if strcmp(argument, "--uid") == 0 {
                uid = uid_t(strtoul(value(), nil, 10))
            } else if strcmp(argument, "--gid") == 0 {
                gid = gid_t(strtoul(value(), nil, 10))
            } else if strcmp(argument, "--directory") == 0 {
                directory = String(cString: value())
            } else if strcmp(argument, "--network") == 0 {
                let kind = value()
                if strcmp(kind, "isolate") == 0 { network = .isolate }
                else if strcmp(kind, "isolate-user") == 0 { network = .isolateWithUserNamespace }
                else { exitWorker("unknown --network value", code: 2) }
            } else if strcmp(argument, "--seccomp") == 0 {
                seccomp = true
            } else if strcmp(argument, "--jit") == 0 {
                jit = true
            } else if strcmp(argument, "--test-hooks") == 0 {
                testHooks = true
            } else {
                exitWorker("unknown option \(String(cString: argument))", code: 2)
            }
            index += 1
        }
    }
}
