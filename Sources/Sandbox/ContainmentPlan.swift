import CSandboxContainment
import Foundation
import Glibc

/// What the pool asks every worker to do to itself (WorkerOptions in the worker), worked
/// out once from what this machine allows. A mechanism the machine lacks is left out
/// and reported, never half-applied.
struct ContainmentPlan: Sendable {
    var uid: uid_t?
    var gid: gid_t?
    /// Private and empty: owned by the app, mode 0111, so the workers can enter it but
    /// neither list nor write it.
    let directory: String
    var network: String?
    var seccomp: Bool
    let jit: Bool
    let testHooks: Bool
    let memoryCgroup: MemoryCgroup?
    let report: ContainmentReport

    /// Fails only on the operator's own mistake: a named user that does not exist or is root.
    init(_ settings: SandboxContainment, isolation: SandboxIsolation) throws(SandboxFailure) {
        var mechanisms: [ContainmentReport.Mechanism] = []
        let isRoot = geteuid() == 0

        if isRoot {
            let account = try Self.account(named: settings.user)
            (uid, gid) = (account.uid, account.gid)
            mechanisms.append(.init(name: "separate user", isActive: true, detail: account.detail))
        } else {
            mechanisms.append(.init(name: "separate user", isActive: false,
                                    detail: "the app is not root, so workers keep its uid \(geteuid())"))
        }
        mechanisms.append(.init(name: "no_new_privs", isActive: true, detail: "execve can never gain privileges"))

        seccomp = bmm_seccomp_supported_architecture() == 1 && Self.statusField("Seccomp") != nil
        mechanisms.append(.init(name: "seccomp filter", isActive: seccomp, detail: seccomp
            ? "an allow-list of system calls; any other kills the worker"
            : "this kernel or architecture has no seccomp filter support"))

        if isRoot && Self.hasCapability(21) {  // CAP_SYS_ADMIN
            network = "isolate"
        } else if !isRoot && Self.allowsUnprivilegedUserNamespaces() {
            network = "isolate-user"
        }
        mechanisms.append(.init(name: "network namespace", isActive: network != nil, detail: network != nil
            ? "workers have no network interfaces; ctx.fetch goes through the app's egress guard"
            : "the kernel allows no network namespace here (not root with CAP_SYS_ADMIN, no unprivileged user namespaces)"))

        memoryCgroup = MemoryCgroup.create()
        mechanisms.append(.init(name: "kernel memory cap", isActive: memoryCgroup != nil, detail: memoryCgroup != nil
            ? "cgroup v2 memory.max per worker at \(memoryCgroup!.path)"
            : "no writable cgroup v2 memory controller; the app polls each worker's resident memory every 20 ms instead"))

        jit = settings.jit
        mechanisms.append(.init(name: "JIT off", isActive: !jit, detail: jit
            ? "BMM_SANDBOX_JIT=1: JavaScriptCore compiles to machine code"
            : "JavaScriptCore interprets only"))

        let dumpable = bmm_set_dumpable(0) == 0
        mechanisms.append(.init(name: "non-dumpable app", isActive: dumpable, detail: dumpable
            ? "no core files; /proc/<app> is readable by root only"
            : "prctl(PR_SET_DUMPABLE) failed"))

        guard let directory = Self.makePrivateDirectory() else {
            throw .workerUnavailable("cannot create a private working directory for the workers in \(NSTemporaryDirectory())")
        }
        self.directory = directory
        testHooks = settings.testHooks
        mechanisms.append(.init(name: "one workspace per worker", isActive: isolation == .workspace, detail: isolation == .workspace
            ? "BMM_SANDBOX_ISOLATION=workspace: a worker serves one workspace until it is recycled"
            : "off (BMM_SANDBOX_ISOLATION=shared): workers serve every workspace, one call at a time"))
        report = ContainmentReport(mechanisms: mechanisms, isolation: isolation)
    }

    /// The worker's arguments after its path (parsed by WorkerOptions).
    var arguments: [String] {
        var arguments = ["--directory", directory]
        if let uid, let gid { arguments += ["--uid", String(uid), "--gid", String(gid)] }
        if let network { arguments += ["--network", network] }
        if seccomp { arguments.append("--seccomp") }
        if jit { arguments.append("--jit") }
        if testHooks { arguments.append("--test-hooks") }
        return arguments
    }

    func removeDirectory() {
        rmdir(directory)
    }

    // MARK: Probes

    private struct Account {
        let uid: uid_t
        let gid: gid_t
        let detail: String
    }

    private static func account(named configured: String?) throws(SandboxFailure) -> Account {
        let name = configured ?? SandboxContainment.defaultUser
        if let entry = getpwnam(name) {
            guard entry.pointee.pw_uid != 0 else {
                throw .workerUnavailable("BMM_SANDBOX_USER is `\(name)`, which is root; name an unprivileged account")
            }
            return Account(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid,
                           detail: "workers run as \(name) (uid \(entry.pointee.pw_uid), gid \(entry.pointee.pw_gid)) with no supplementary groups")
        }
        guard configured == nil, let nobody = getpwnam("nobody") else {
            throw .workerUnavailable("BMM_SANDBOX_USER is `\(name)`, but no such account exists; create it (scripts/run does) or name another")
        }
        return Account(uid: nobody.pointee.pw_uid, gid: nobody.pointee.pw_gid,
                       detail: "workers run as nobody (uid \(nobody.pointee.pw_uid)): the account \(name) does not exist; scripts/run creates it")
    }

    private static func makePrivateDirectory() -> String? {
        var template = Array(URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bmm-sandbox-XXXXXX").path.utf8CString)
        guard mkdtemp(&template) != nil else { return nil }
        let path = String(cString: template)
        guard chmod(path, 0o111) == 0 else {
            rmdir(path)
            return nil
        }
        return path
    }

    /// A line of /proc/self/status such as `Seccomp:\t0`, without its name.
    private static func statusField(_ name: String) -> String? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    private static func hasCapability(_ bit: Int) -> Bool {
        guard let hex = statusField("CapEff"), let mask = UInt64(hex, radix: 16) else { return false }
        return mask & (1 << UInt64(bit)) != 0
    }

    private static func allowsUnprivilegedUserNamespaces() -> Bool {
        let flag = try? String(contentsOfFile: "/proc/sys/kernel/unprivileged_userns_clone", encoding: .utf8)
        let limit = try? String(contentsOfFile: "/proc/sys/user/max_user_namespaces", encoding: .utf8)
        return (flag.map { $0.hasPrefix("1") } ?? true) && (Int(limit?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0) > 0
    }
}
