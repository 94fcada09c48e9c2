import Core
import Foundation
import NIOConcurrencyHelpers

/// The tool calls this instance is running for 2025-era sessions, so a later
/// `notifications/cancelled` naming one stops it. The notification reaches whichever
/// instance the load balancer picks; only the instance running the call can stop it,
/// elsewhere it changes nothing (the call still ends at its time limit).
final class MCPInFlightCalls: Sendable {
    private let running = NIOLockedValueBox<[String: @Sendable () -> Void]>([:])

    /// The key of a session's request: the session and the request id as written, so `1`
    /// and `"1"` stay different requests.
    static func key(session: String, request: JSONValue) -> String {
        session + "|" + SpecJSON.compact(request)
    }

    /// Thrown by `run` when the client cancelled the call: whatever the call returned after
    /// being stopped is no answer the client still waits for.
    struct CancelledByClient: Error {}

    /// Runs `body`, cancellable through `key` while it runs (as its own task, which the
    /// caller's cancellation reaches too); without a key, simply runs it.
    func run<T: Sendable>(key: String?, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        guard let key else { return try await body() }
        let task = Task { try await body() }
        let cancelled = NIOLockedValueBox(false)
        running.withLockedValue {
            $0[key] = {
                cancelled.withLockedValue { $0 = true }
                task.cancel()
            }
        }
        defer { _ = running.withLockedValue { $0.removeValue(forKey: key) } }
        let value = try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        if cancelled.withLockedValue({ $0 }) { throw CancelledByClient() }
        return value
    }

    /// Calls that can be cancelled here right now.
    var count: Int { running.withLockedValue { $0.count } }

    /// Stops the call under `key`; false when none runs here.
    @discardableResult
    func cancel(_ key: String) -> Bool {
        guard let stop = running.withLockedValue({ $0.removeValue(forKey: key) }) else { return false }
        stop()
        return true
    }
}
