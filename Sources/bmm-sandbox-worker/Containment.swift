import CSandboxContainment
import Glibc

/// The operating system's walls around the worker, raised in an order that works:
/// what needs root first (a network namespace), then the working directory, then
/// the switch to the unprivileged user, then no_new_privs; after JavaScriptCore has
/// started (it opens files and starts threads while it does), the seccomp filter.
/// posix_spawn cannot change ids or namespaces between fork and exec, so the worker
/// does it itself, before it reads any request. Whatever the parent asked for and
/// fails here ends the worker with the reason on stderr: the parent decided at start-up
/// which mechanisms this machine has, and a worker never runs less contained than that.
enum Containment {
    static func dropPrivileges(_ options: WorkerOptions) {
        switch options.network {
        case .none: break
        case .isolate: check(bmm_unshare_network(0), "cannot enter a network namespace of its own")
        case .isolateWithUserNamespace:
            check(bmm_unshare_network(1), "cannot enter a user and network namespace of its own")
        }
        if let directory = options.directory {
            check(chdir(directory), "cannot enter its working directory \(directory)")
        }
        if let uid = options.uid, let gid = options.gid {
            check(setgroups(0, nil), "cannot drop supplementary groups")
            check(setgid(gid), "cannot switch to group \(gid)")
            check(setuid(uid), "cannot switch to user \(uid)")
            // Proves the switch is permanent: the saved set-user-id is gone too.
            guard setuid(0) != 0, getuid() == uid, geteuid() == uid else {
                exitWorker("containment: could regain root after switching to user \(uid)", code: 5)
            }
        }
        check(bmm_set_no_new_privs(), "cannot set no_new_privs")
    }

    /// JavaScriptCore reads its options from the environment once, when the first VM starts.
    /// Tools run in UTC whatever the machine's zone: the same answers on every host, and, with
    /// `TZ` naming the zone, ICU and the C library never look at /etc/localtime again, which
    /// the filter would punish. ICU's time-zone override files are not looked for either: its
    /// built-in data is used.
    static func configureEngine(_ options: WorkerOptions) {
        if !options.jit { setenv("JSC_useJIT", "false", 1) }
        setenv("TZ", timeZone, 1)
        setenv("ICU_TIMEZONE_FILES_DIR", "", 1)
        tzset()
    }

    static let timeZone = "UTC"

    /// After this only the allow-listed system calls work, on every thread. The environment
    /// goes, except the zone every date depends on.
    static func lockDown(_ options: WorkerOptions) {
        clearenv()
        setenv("TZ", timeZone, 1)
        if options.seccomp { check(bmm_install_seccomp(), "cannot install the seccomp filter") }
    }

    private static func check(_ result: Int32, _ failure: @autoclosure () -> String) {
        guard result != 0 else { return }
        let code = result < 0 && result != -1 ? -result : errno
        exitWorker("containment: \(failure()): \(String(cString: strerror(code)))", code: 5)
    }
}
