/// Messages from one worker, in order, to the one call waiting for them. Unlike an
/// AsyncStream it survives the waiting task being cancelled: the worker lives on.
final class Mailbox: Sendable {
    private struct State {
        var queue: [WorkerMessage] = []
        var waiter: CheckedContinuation<WorkerMessage?, Never>?
        var isClosed = false
    }

    private let state = Locked(State())

    func post(_ message: WorkerMessage) {
        let waiter = state.withLock { state -> CheckedContinuation<WorkerMessage?, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.queue.append(message)
            return nil
        }
        waiter?.resume(returning: message)
    }

    /// No more messages: the worker exited.
    func close() {
        let waiter = state.withLock { state -> CheckedContinuation<WorkerMessage?, Never>? in
            state.isClosed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    /// The next message, or nil once the worker has exited and everything was read.
    func next() async -> WorkerMessage? {
        await withCheckedContinuation { continuation in
            let immediate: WorkerMessage?? = state.withLock { state in
                if !state.queue.isEmpty { return .some(state.queue.removeFirst()) }
                if state.isClosed { return .some(nil) }
                state.waiter = continuation
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }
}
