import Foundation
import Glibc

/// The kernel's cap on a worker's memory, where this machine lets the app use one: a
/// cgroup v2 subtree of the app's own cgroup with the memory controller, and in it one
/// cgroup per worker whose `memory.max` is set to each call's limit. The kernel then
/// kills a worker the moment it crosses the limit, between the parent's 20 ms polls.
/// Not available on cgroup v1 or hybrid hosts, nor where the app's cgroup is not
/// writable (most containers); the parent-side watch applies either way.
struct MemoryCgroup: Sendable {
    let path: String

    /// nil unless the unified hierarchy is mounted at /sys/fs/cgroup and a child with
    /// the memory controller can be made under the app's own cgroup.
    static func create() -> MemoryCgroup? {
        let root = "/sys/fs/cgroup"
        guard FileManager.default.fileExists(atPath: root + "/cgroup.controllers"),
              let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = membership.split(separator: "\n").first(where: { $0.hasPrefix("0::") })
        else { return nil }
        let own = root + line.dropFirst(3)
        let path = own + "/bmm-sandbox-\(getpid())"
        guard let controllers = try? String(contentsOfFile: own + "/cgroup.controllers", encoding: .utf8),
              controllers.split(separator: " ").contains(where: { $0.trimmingCharacters(in: .whitespacesAndNewlines) == "memory" }),
              write("+memory", to: own + "/cgroup.subtree_control"),
              mkdir(path, 0o755) == 0
        else { return nil }
        guard write("+memory", to: path + "/cgroup.subtree_control") else {
            rmdir(path)
            return nil
        }
        return MemoryCgroup(path: path)
    }

    /// Moves a new worker into a cgroup of its own; false if the kernel refused.
    func adopt(_ pid: pid_t) -> Bool {
        let directory = path + "/worker-\(pid)"
        guard mkdir(directory, 0o755) == 0 else { return false }
        _ = Self.write("0", to: directory + "/memory.swap.max")
        return Self.write(String(pid), to: directory + "/cgroup.procs")
    }

    func limit(_ pid: pid_t, bytes: Int) {
        _ = Self.write(String(bytes), to: path + "/worker-\(pid)/memory.max")
    }

    /// Whether the kernel killed the worker for its memory.
    func killedForMemory(_ pid: pid_t) -> Bool {
        guard let events = try? String(contentsOfFile: path + "/worker-\(pid)/memory.events", encoding: .utf8),
              let line = events.split(separator: "\n").first(where: { $0.hasPrefix("oom_kill ") })
        else { return false }
        return Int(line.dropFirst("oom_kill ".count)) ?? 0 > 0
    }

    /// After the worker was reaped; a cgroup with no process can be removed.
    func release(_ pid: pid_t) {
        rmdir(path + "/worker-\(pid)")
    }

    func remove() {
        rmdir(path)
    }

    private static func write(_ text: String, to file: String) -> Bool {
        let descriptor = open(file, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return text.withCString { Glibc.write(descriptor, $0, strlen($0)) } == text.utf8.count
    }
}
