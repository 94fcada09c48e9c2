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
enum MCPCallGrace {
    static let grace = TimeAmount.milliseconds(500)

    /// `call` runs the tool and says when a worker took it.
    static func respond(_ req: Request, _ call: @escaping @Sendable (_ started: @escaping @Sendable () -> Void) async -> SandboxOverload.Reply) async throws -> Response {
        let watch = Watch()
        let eventLoop = req.eventLoop
        let running = Task {
            let reply = await call {
                watch.started(eventLoop.scheduleTask(in: grace) { watch.settle(.stillRunning) })
            }
            watch.settle(.finished(reply))
            return reply
        }
        switch await watch.verdict() {
        case .finished(let reply):
            return try SandboxOverload.send(req, reply)
        case .stillRunning:
            return MCPProgressStream.respond(continuing: running)
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
            var timer: Scheduled<Void>?
        }

        private let state = NIOLockedValueBox(State())

        /// The grace timer of the call's first worker; a retry on a fresh worker keeps it.
        func started(_ timer: Scheduled<Void>) {
            let keep = state.withLockedValue { state in
                guard state.verdict == nil, state.timer == nil else { return false }
                state.timer = timer
                return true
            }
            if !keep { timer.cancel() }
        }

        func settle(_ verdict: Verdict) {
            let (waiting, timer) = state.withLockedValue { state -> (CheckedContinuation<Verdict, Never>?, Scheduled<Void>?) in
                guard state.verdict == nil else { return (nil, nil) }
                state.verdict = verdict
                defer { state.waiting = nil; state.timer = nil }
                return (state.waiting, state.timer)
            }
            timer?.cancel()
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
