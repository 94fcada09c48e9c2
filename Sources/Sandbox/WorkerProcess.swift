import Dispatch
import Foundation
import Glibc

/// One bmm-sandbox-worker child: spawned with posix_spawn on a socketpair that becomes
/// its stdin and stdout, with no descriptor of the app's but stderr (for its last words)
/// and no environment of the app's; it contains itself as its arguments ask
/// (ContainmentPlan). A reader thread turns its frames into mailbox messages and reaps
/// it when it exits.
final class WorkerProcess: Sendable {
    let pid: pid_t
    let mailbox = Mailbox()
    private let socket: Int32
    private let writes: DispatchQueue
    /// Frames handed to `writes` and not yet written: while there are any, new frames queue behind them.
    private let queuedWrites = Locked(0)
    private let state = Locked(State())

    private struct State {
        /// Why the parent killed it, if it did; the first reason wins.
        var killReason: SandboxFailure?
        /// Set once the child has exited but before it is reaped, so `kill` never
        /// signals a recycled pid.
        var hasExited = false
        /// The call whose fetch replies may still be written.
        var activeCall: Int?
        var callsServed = 0
        /// It announced that it exits after its last answer.
        var isRetiring = false
        /// The signal that ended it, once reaped: SIGSYS is the seccomp filter's verdict.
        var terminationSignal: Int32?
        /// The memory cap last written to its cgroup: a hot server's calls all ask for the same one.
        var memoryLimitBytes: Int?
        /// The latest `usage()` and when it was read.
        var lastUsage: (usage: Usage, at: ContinuousClock.Instant)?
    }

    /// `/proc/<pid>/stat`, opened once: `usage()` runs twice per call, and re-reading an
    /// open proc file skips the path lookup that opening it costs. -1 if it could not be opened.
    private let statDescriptor: Int32

    /// Where the kernel caps its memory, if this machine has such a place.
    private let memoryCgroup: MemoryCgroup?

    private init(pid: pid_t, socket: Int32, memoryCgroup: MemoryCgroup?) {
        self.pid = pid
        self.socket = socket
        self.memoryCgroup = memoryCgroup
        statDescriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        writes = DispatchQueue(label: "bmm.sandbox.worker.\(pid).writes")
    }

    deinit {
        close(socket)
        if statDescriptor >= 0 { close(statDescriptor) }
        // Only now: until the last call's outcome is known, its memory.events may be read.
        memoryCgroup?.release(pid)
    }

    static func spawn(executable: String, arguments: [String], environment: [String: String], memoryCgroup: MemoryCgroup?) throws(SandboxFailure) -> WorkerProcess {
        var descriptors: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors) == 0 else {
            throw .workerUnavailable("socketpair failed: \(String(cString: strerror(errno)))")
        }
        let (parentEnd, childEnd) = (descriptors[0], descriptors[1])
        defer { close(childEnd) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childEnd, 0)
        posix_spawn_file_actions_adddup2(&actions, childEnd, 1)
        closeOtherDescriptors(&actions)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments = [executable] + arguments
        let environmentLines = environment.map { "\($0.key)=\($0.value)" }.sorted()
        var pid = pid_t()
        let status = withCStringArray(arguments) { argv in
            withCStringArray(environmentLines) { envp in
                posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else {
            close(parentEnd)
            throw .workerUnavailable("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        let worker = WorkerProcess(pid: pid, socket: parentEnd, memoryCgroup: memoryCgroup)
        // The worker reads no request before it is in its cgroup: the first comes after this.
        if let memoryCgroup, !memoryCgroup.adopt(pid) {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            memoryCgroup.release(pid)
            throw .workerUnavailable("cannot move the worker into its memory cgroup under \(memoryCgroup.path)")
        }
        let reader = Thread { worker.readUntilExit() }
        reader.name = "bmm-sandbox-reader-\(pid)"
        reader.start()
        return worker
    }

    var isAlive: Bool { state.withLock { !$0.hasExited && $0.killReason == nil && !$0.isRetiring } }
    var killReason: SandboxFailure? { state.withLock { $0.killReason } }
    var callsServed: Int { state.withLock { $0.callsServed } }
    var terminationSignal: Int32? { state.withLock { $0.terminationSignal } }

    /// Caps its memory in the kernel for the coming call, where the machine allows it.
    func limitMemory(bytes: Int) {
        guard let memoryCgroup else { return }
        let changed = state.withLock { state in
            defer { state.memoryLimitBytes = bytes }
            return state.memoryLimitBytes != bytes
        }
        if changed { memoryCgroup.limit(pid, bytes: bytes) }
    }

    /// The kernel killed it for its memory cap.
    var wasKilledForMemory: Bool { memoryCgroup?.killedForMemory(pid) ?? false }

    func beginCall(_ call: Int) {
        state.withLock {
            $0.activeCall = call
            $0.callsServed += 1
        }
    }

    func markRetiring() {
        state.withLock { $0.isRetiring = true }
    }

    func endCall() {
        state.withLock { $0.activeCall = nil }
    }

    /// Writes a frame unless `call` is given and is no longer the active call; false if
    /// it was not written. A frame that fits the socket's buffer is written right here (a hop to the writer
    /// queue and back cost every call two thread wake-ups); the rest of one that does not, and every frame
    /// behind it, goes through the queue, whose writes may block.
    func send(_ frame: [UInt8], forCall call: Int? = nil) async -> Bool {
        let attempt = queuedWrites.withLock { queued -> WriteAttempt in
            guard queued == 0 else {
                queued += 1
                return .queue(from: 0)
            }
            guard call == nil || call == state.withLock({ $0.activeCall }) else { return .refused }
            let written = writeWithoutBlocking(frame)
            if written < 0 { return .failed }
            if written == frame.count { return .written }
            queued += 1
            return .queue(from: written)
        }
        switch attempt {
        case .written: return true
        case .refused, .failed: return false
        case .queue(let offset):
            return await withCheckedContinuation { continuation in
                writes.async { [self] in
                    defer { queuedWrites.withLock { $0 -= 1 } }
                    // A frame already begun must be finished whatever the call: the stream would be torn.
                    if offset == 0 {
                        let current = state.withLock { $0.activeCall }
                        guard call == nil || call == current else { return continuation.resume(returning: false) }
                    }
                    continuation.resume(returning: writeAll(frame, from: offset))
                }
            }
        }
    }

    private enum WriteAttempt {
        case written, refused, failed
        case queue(from: Int)
    }

    /// SIGKILLs the worker and shuts its socket, so the reader sees the end even if some
    /// stray process inherited the worker's end of it.
    func kill(because reason: SandboxFailure) {
        state.withLock { state in
            if state.killReason == nil { state.killReason = reason }
            if !state.hasExited { _ = Glibc.kill(pid, SIGKILL) }
        }
        shutdown(socket, Int32(SHUT_RDWR))
    }

    struct Usage {
        /// The process has exited (a zombie), even if the reader has not noticed yet.
        var hasDied: Bool
        var residentBytes: Int
        /// User plus system CPU time of the whole process.
        var cpuMilliseconds: Int
    }

    /// What the process used at most `maxAge` ago: the monitor reads it every few milliseconds while calls
    /// run, so a hot worker's next call need not read /proc again.
    func recentUsage(maxAge: Duration) -> Usage? {
        if let last = state.withLock({ $0.lastUsage }), ContinuousClock.now - last.at <= maxAge { return last.usage }
        return usage()
    }

    /// What the process uses right now, from /proc; nil once it has been reaped.
    func usage() -> Usage? {
        let now = ContinuousClock.now
        guard let usage = readUsage() else { return nil }
        state.withLock { $0.lastUsage = (usage, now) }
        return usage
    }

    private func readUsage() -> Usage? {
        guard let stat = readStat(), let close = stat.lastIndex(of: ")") else { return nil }
        // Fields after the command name start at field 3 (state); utime and stime are 14
        // and 15, rss (in pages) is 24.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 21, let user = Int(fields[11]), let system = Int(fields[12]), let pages = Int(fields[21]) else { return nil }
        return Usage(
            hasDied: fields[0] == "Z" || fields[0] == "X",
            residentBytes: pages * Self.pageSize,
            cpuMilliseconds: (user + system) * 1000 / Self.clockTicksPerSecond
        )
    }

    private static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    private static let clockTicksPerSecond = Int(sysconf(Int32(_SC_CLK_TCK)))

    // MARK: Private

    /// How much of `frame` the socket took without waiting; -1 if it failed.
    private func writeWithoutBlocking(_ frame: [UInt8]) -> Int {
        frame.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if written < 0 && errno == EINTR { continue }
                if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { break }
                guard written > 0 else { return -1 }
                offset += written
            }
            return offset
        }
    }

    private func writeAll(_ frame: [UInt8], from start: Int) -> Bool {
        frame.withUnsafeBytes { buffer in
            var offset = start
            while offset < buffer.count {
                let written = Glibc.send(socket, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return false }
                offset += written
            }
            return true
        }
    }

    private func readUntilExit() {
        while let payload = readFrame() {
            guard let message = WorkerProtocol.decode(payload) else {
                kill(because: .workerCrashed)
                break
            }
            mailbox.post(message)
        }
        var info = siginfo_t()
        _ = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
        state.withLock { $0.hasExited = true }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        // WIFSIGNALED and WTERMSIG are macros Swift does not import: the low seven bits
        // hold the signal, 0 for a normal exit and 0x7f for a stopped process.
        let signal = status & 0x7f
        if signal != 0 && signal != 0x7f {
            state.withLock { $0.terminationSignal = signal }
        }
        // Pending and future writes fail instead of blocking; the descriptor itself is
        // closed only when nothing can use it any more (deinit).
        shutdown(socket, Int32(SHUT_RDWR))
        mailbox.close()
    }

    private func readFrame() -> [UInt8]? {
        var header = [UInt8](repeating: 0, count: 4)
        guard readExactly(&header) else { return nil }
        let length = header.reduce(0) { ($0 << 8) | Int($1) }
        guard length <= WorkerProtocol.maxFrameBytes else {
            kill(because: .workerCrashed)
            return nil
        }
        var payload = [UInt8](repeating: 0, count: length)
        guard readExactly(&payload) else { return nil }
        return payload
    }

    private func readExactly(_ buffer: inout [UInt8]) -> Bool {
        var offset = 0
        let count = buffer.count
        while offset < count {
            let received = buffer.withUnsafeMutableBytes { raw in
                recv(socket, raw.baseAddress! + offset, count - offset, 0)
            }
            if received < 0 && errno == EINTR { continue }
            guard received > 0 else { return false }
            offset += received
        }
        return true
    }

    private func readStat() -> String? {
        guard statDescriptor >= 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 1024)
        // pread at offset 0 regenerates the file's contents; no shared offset, so callers on any thread are fine.
        let count = pread(statDescriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    /// glibc ≥ 2.34 can close every descriptor above stderr in the child; Swift does not
    /// import it, so it is looked up at run time. The worker closes strays itself too.
    private static func closeOtherDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
    }
}

private func withCStringArray<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result) -> Result {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
