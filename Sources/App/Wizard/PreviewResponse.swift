import Core
import Foundation
import Vapor

/// The answer to a preview, sync or as the stream's `spec` event.
struct PreviewResponse: Content {
    let previewId: UUID
    let spec: ServerSpec
    let model: String
    /// Who drafted, as the wizard names it.
    let drafter: String
    let offline: Bool
    /// Answered from the 24 h store; did not count against the quota.
    let cached: Bool
    let expiresAt: Date

    init(_ draft: Draft, spec: ServerSpec? = nil, offline: Bool, cached: Bool) throws {
        previewId = draft.id!
        self.spec = try spec ?? draft.acceptedSpec()
        model = draft.model
        drafter = draft.drafter
        self.offline = offline
        self.cached = cached
        expiresAt = draft.expiresAt
    }
}

/// One `text/event-stream` frame. Data is JSON, so it never holds a raw newline.
enum ServerSentEvent {
    static func frame(_ event: String, json: some Encodable) -> ByteBuffer {
        let data = (try? APIJSON.encoder().encode(json)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ByteBuffer(string: "event: \(event)\ndata: \(data)\n\n")
    }

    static let keepalive = ByteBuffer(string: ": keepalive\n\n")

    static var headers: HTTPHeaders {
        [
            "Content-Type": "text/event-stream; charset=utf-8",
            "Cache-Control": "no-store, no-transform",
            // nginx and similar proxies buffer responses unless told not to.
            "X-Accel-Buffering": "no",
        ]
    }
}

struct StreamDelta: Encodable {
    let delta: String
}

struct StreamError: Encodable {
    let error: String
    let message: String
}
