import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Under 2026-07-28 a client cancels a call by closing its connection ("the server MUST treat a client
/// disconnect as cancellation"), and a server learns of that only by writing to the connection. A call that
/// ends within `grace` of reaching a worker is answered as plain JSON, as before; one still running then is
/// answered as an event stream from that moment, whose keepalives notice a client that has gone within a fifth
/// of a second and stop the call (recorded as cancelled, not counted as a success). Time waiting in the queue
/// does not count towards the grace, so a call that never got a worker still gets its 503 and `Retry-After`;
/// a client that leaves while its call is queued stops it once the call has run for `grace`.
///
/// Answering before the call ends needs the call in a task of its own, and that hop costs a quick call about
/// 25 µs of CPU (measured: a task and a continuation against an inline await, in a release build): 7% of the
/// hot path's whole budget. So only tools this instance has seen run for `SlowTools.threshold` or longer take
/// this path; a quick tool is awaited inline as before. The first slow call of a tool on an instance is
/// therefore not noticed when its client hangs up: it ends at its time limit, as every call used to.
enum MCPCallGrace {
    static let grace = TimeAmount.milliseconds(500)

    static let slowTools = SlowTools()

    /// The (version, tool) pairs seen to run long on this instance.
    final class SlowTools: Sendable {
        static let threshold = 100.0
        /// Past this many, the set starts again: each tool is slow again after its next long call.
        static let capacity = 20_000

        /// The version's bytes and the tool's name as they are: asked on every call, so nothing is formatted.
        struct Key: Hashable, Sendable {
            let version: UUID
            let tool: String
        }

        private let seen = NIOLockedValueBox<Set<Key>>([])

        static func key(version: UUID, tool: String) -> Key {
            Key(version: version, tool: tool)
        }

        func isSlow(_ key: Key) -> Bool {
            seen.withLockedValue { $0.contains(key) }
        }

        func note(_ key: Key, milliseconds: Double) {
            guard milliseconds >= Self.threshold else { return }
            seen.withLockedValue { seen in
                if seen.count >= Self.capacity { seen.removeAll(keepingCapacity: true) }
                seen.insert(key)
            }
        }
    }

    /// `call` runs the tool and says when a worker took it.
    static func respond(_ req: Request, _ call: @escaping @Sendable (_ started: @escaping @Sendable () -> Void) async -> SandboxOverload.Reply) async throws -> Response {
        let watch = Watch()
        let running = Task {
            let reply = await call { sweeper.add(watch, deadline: .now() + grace) }
            watch.settle(.finished(reply))
            return reply
        }
        switch await watch.verdict() {
        case .finished(let reply):
            // Only stateless calls get a grace (`MCPMethods`).
            return try SandboxOverload.send(req, reply, stateless: true)
        case .stillRunning:
            return MCPProgressStream.respond(continuing: running)
        }
    }

    /// Ends the grace of every call that outlived it. One sweep a tenth of a second for all watched calls, instead of
    /// a timer for each: a call only joins a list, where a timer set and cancelled from another thread than the event
    /// loop's takes a lock and wakes the loop twice per call.
    static let sweeper = Sweeper(interval: .milliseconds(100))

    final class Sweeper: Sendable {
        private struct State {
            var waiting: [(watch: Watch, deadline: NIODeadline)] = []
            var isSweeping = false
        }

        private let state = NIOLockedValueBox(State())
        private let interval: Duration

        init(interval: Duration) {
            self.interval = interval
        }

        /// A call that reached a worker; a retry on a fresh worker keeps its first deadline.
        func add(_ watch: Watch, deadline: NIODeadline) {
            guard watch.markStarted() else { return }
            let start = state.withLockedValue { state -> Bool in
                state.waiting.append((watch, deadline))
                defer { state.isSweeping = true }
                return !state.isSweeping
            }
            if start { Task { await sweep() } }
        }

        /// Runs while calls wait; stops when none does.
        private func sweep() async {
            while true {
                try? await Task.sleep(for: interval)
                let now = NIODeadline.now()
                let (expired, idle) = state.withLockedValue { state -> ([Watch], Bool) in
                    var expired: [Watch] = []
                    state.waiting.removeAll { entry in
                        if entry.watch.isSettled { return true }
                        guard entry.deadline <= now else { return false }
                        expired.append(entry.watch)
                        return true
                    }
                    if state.waiting.isEmpty { state.isSweeping = false }
                    return (expired, state.waiting.isEmpty)
                }
                for watch in expired { watch.settle(.stillRunning) }
                if idle { return }
            }
        }
    }

    enum Verdict: Sendable {
        case finished(SandboxOverload.Reply)
        case stillRunning
    }

    /// Whichever comes first, the reply or the end of the grace, settles the verdict; the other is ignored.
    final class Watch: Sendable {
        private struct State {
            var verdict: Verdict?
            var waiting: CheckedContinuation<Verdict, Never>?
            var started = false
        }

        private let state = NIOLockedValueBox(State())

        /// False when the call had already started (a retry) or ended.
        func markStarted() -> Bool {
            state.withLockedValue { state in
                guard !state.started, state.verdict == nil else { return false }
                state.started = true
                return true
            }
        }

        var isSettled: Bool { state.withLockedValue { $0.verdict != nil } }

        func settle(_ verdict: Verdict) {
            let waiting = state.withLockedValue { state -> CheckedContinuation<Verdict, Never>? in
                guard state.verdict == nil else { return nil }
                state.verdict = verdict
                defer { state.waiting = nil }
                return state.waiting
            }
            waiting?.resume(returning: verdict)
        }

        func verdict() async -> Verdict {
            await withCheckedContinuation { continuation in
                let settled = state.withLockedValue { state -> Verdict? in
                    if let verdict = state.verdict { return verdict }
                    state.waiting = continuation
                    return nil
                }
                if let settled { continuation.resume(returning: settled) }
            }
        }
    }
}
