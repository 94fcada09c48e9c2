import NIOConcurrencyHelpers

struct DeadlineExceeded: Error {}

/// Runs `body` and returns its result, or throws ``DeadlineExceeded`` at `deadline`, or `CancellationError` when
/// the caller is cancelled — whichever comes first, without waiting for `body` to notice.
///
/// A task group would wait for its children to finish, and `getaddrinfo` cannot be interrupted; the fetch's time
/// limit has to hold even then. `body` is cancelled and finishes on its own afterwards.
func withHardDeadline<T: Sendable>(
    _ deadline: ContinuousClock.Instant,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = Race<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            race.start(continuation: continuation, deadline: deadline, body: body)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

private final class Race<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var tasks: [Task<Void, Never>] = []
        var outcome: Result<T, any Error>?
    }

    private let state = NIOLockedValueBox(State())

    func start(
        continuation: CheckedContinuation<T, any Error>,
        deadline: ContinuousClock.Instant,
        body: @escaping @Sendable () async throws -> T
    ) {
        let earlyOutcome: Result<T, any Error>? = state.withLockedValue { state in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            return nil
        }
        if let earlyOutcome {
            continuation.resume(with: earlyOutcome)
            return
        }
        let work = Task {
            do {
                self.finish(.success(try await body()))
            } catch {
                self.finish(.failure(error))
            }
        }
        let timer = Task {
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            self.finish(.failure(DeadlineExceeded()))
        }
        let alreadyFinished = state.withLockedValue { state in
            if state.outcome != nil { return true }
            state.tasks = [work, timer]
            return false
        }
        if alreadyFinished {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, tasks) = state.withLockedValue {
            state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.outcome == nil else { return (nil, []) }
            state.outcome = outcome
            defer { (state.continuation, state.tasks) = (nil, []) }
            return (state.continuation, state.tasks)
        }
        tasks.forEach { $0.cancel() }
        continuation?.resume(with: outcome)
    }
}
