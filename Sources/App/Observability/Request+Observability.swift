import Foundation
import Vapor

extension Request {
    private struct TraceKey: StorageKey {
        typealias Value = TraceContext
    }

    /// The trace this request belongs to: the caller's `traceparent`, or a fresh one.
    var trace: TraceContext {
        get {
            if let known = storage[TraceKey.self] { return known }
            let fresh = TraceContext.fresh()
            storage[TraceKey.self] = fresh
            return fresh
        }
        set { storage[TraceKey.self] = newValue }
    }

    /// Names the caller's workspace in every later log line of this request, once
    /// authentication has found it.
    func noteWorkspace(_ id: UUID?) {
        guard let id else { return }
        logger[metadataKey: "workspace_id"] = .string(id.uuidString)
    }
}
