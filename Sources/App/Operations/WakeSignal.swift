import NIOConcurrencyHelpers

/// A latch a background loop waits on between polls (the build runner, the mail queue's
/// sender): `signal()` ends the current wait early, or the next one if nobody is waiting.
/// Not an AsyncStream: a stream ends for good when a waiting
/// task is cancelled, and a timed-out wait cancels its waiter, after which every wait
/// returned at once and the runner polled the database in a tight loop.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    func signal() {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }

    /// Returns on a signal (one sent before the wait counts), after `timeout`, or when the task is cancelled.
    func wait(timeout: Duration) async {
        let id = state.withLockedValue { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let previous = state.withLockedValue { state -> (signalled: Bool, replaced: CheckedContinuation<Void, Never>?) in
                    if state.pending {
                        state.pending = false
                        return (true, nil)
                    }
                    let replaced = state.waiter?.continuation
                    state.waiter = (id, continuation)
                    return (false, replaced)
                }
                previous.replaced?.resume()
                if previous.signalled {
                    continuation.resume()
                    return
                }
                // A cancellation that came before the waiter was stored found nothing to end.
                if Task.isCancelled {
                    end(id)
                    return
                }
                Task { [self] in
                    try? await Task.sleep(for: timeout)
                    end(id)
                }
            }
        } onCancel: {
            end(id)
        }
    }

    /// Ends wait `id` if it is still the one waiting.
    private func end(_ id: Int) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume()
    }
}
