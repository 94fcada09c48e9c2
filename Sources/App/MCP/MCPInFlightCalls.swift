import Core
import Foundation
import NIOConcurrencyHelpers

/// The tool calls this instance is running for 2025-era sessions, so a later
/// `notifications/cancelled` naming one stops it. The notification reaches whichever
/// instance the load balancer picks; only the instance running the call can stop it,
/// elsewhere it changes nothing (the call still ends at its time limit).
final class MCPInFlightCalls: Sendable {
    private struct Entry: Sendable {
        /// Which call holds the key, so a call that ends removes its own entry only.
        let call = UUID()
        let stop: @Sendable () -> Void
    }

    private let running = NIOLockedValueBox<[String: Entry]>([:])

    /// The key of a session's request: the session and the request id as written, so `1`
    /// and `"1"` stay different requests.
    static func key(session: String, request: JSONValue) -> String {
        session + "|" + SpecJSON.compact(request)
    }

    /// Thrown by `run` when the client cancelled the call: whatever the call returned after
    /// being stopped is no answer the client still waits for.
    struct CancelledByClient: Error {}

    /// Thrown by `run` when a call with the same key is still running: a session may not reuse a request id while
    /// it is in flight (basic, Requests), and a second entry would make the first impossible to cancel.
    struct DuplicateRequest: Error {}

    /// Runs `body`, cancellable through `key` while it runs (as its own task, which the
    /// caller's cancellation reaches too); without a key, simply runs it.
    func run<T: Sendable>(key: String?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let key else { return try await body() }
        let cancelled = NIOLockedValueBox(false)
        let task = NIOLockedValueBox<Task<T, any Error>?>(nil)
        let entry = Entry {
            cancelled.withLockedValue { $0 = true }
            task.withLockedValue { $0 }?.cancel()
        }
        let claimed = running.withLockedValue { running in
            guard running[key] == nil else { return false }
            running[key] = entry
            return true
        }
        guard claimed else { throw DuplicateRequest() }
        let started = Task { try await body() }
        task.withLockedValue { $0 = started }
        // Cancelled before the task existed: it is cancelled now.
        if cancelled.withLockedValue({ $0 }) { started.cancel() }
        defer { running.withLockedValue { if $0[key]?.call == entry.call { $0[key] = nil } } }
        let value = try await withTaskCancellationHandler { try await started.value } onCancel: { started.cancel() }
        if cancelled.withLockedValue({ $0 }) { throw CancelledByClient() }
        return value
    }

    /// Calls that can be cancelled here right now.
    var count: Int { running.withLockedValue { $0.count } }

    /// Stops the call under `key`; false when none runs here.
    @discardableResult
    func cancel(_ key: String) -> Bool {
        guard let entry = running.withLockedValue({ $0.removeValue(forKey: key) }) else { return false }
        entry.stop()
        return true
    }
}
