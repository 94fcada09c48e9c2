import Glibc

/// Narrows what a compromised worker could do beyond the JavaScript sandbox itself.
enum ProcessHardening {
    static func apply() {
        // Ignored signals survive exec; the worker must die if it writes to a dead parent.
        signal(SIGPIPE, SIG_DFL)
        // No core files: they would hold the call's secrets.
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &none)
        closeInheritedDescriptors()
        exitWhenOrphaned()
    }

    /// Only stdin, stdout and stderr are meant to reach the worker.
    private static func closeInheritedDescriptors() {
        guard let directory = opendir("/proc/self/fd") else { return }
        let own = dirfd(directory)
        var inherited: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let descriptor = Int32(name), descriptor > 2, descriptor != own {
                inherited.append(descriptor)
            }
        }
        closedir(directory)
        inherited.forEach { close($0) }
    }

    /// A worker stuck in an endless promise chain never reads its input again, so it
    /// would not notice the parent dying; a watcher thread does.
    private static func exitWhenOrphaned() {
        let parent = UnsafeMutableRawPointer(bitPattern: Int(getppid()))
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { argument in
            let parent = pid_t(truncatingIfNeeded: Int(bitPattern: argument))
            while true {
                usleep(250_000)
                if getppid() != parent { _exit(0) }
            }
        }, parent)
    }
}
