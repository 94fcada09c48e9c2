import Core
import Foundation
import Sandbox
import Vapor

/// A `tools/call` whose client sent `_meta.progressToken` and accepts an event stream is
/// answered as one: `notifications/progress` for each `ctx.progress` report, then the
/// result. A keepalive comment five times a second notices a client that went away within
/// a fraction of a second. Under 2026-07-28 that stops the call: closing the stream is how
/// its clients cancel. The 2025 revisions say a disconnection should not be read as a
/// cancellation (their clients send `notifications/cancelled`), so there the call runs on.
enum MCPProgressStream {
    /// The client asked for progress and can read a stream.
    static func token(_ req: Request, _ message: JSONRPC.Message) -> JSONValue? {
        guard let token = message.params["_meta"]?["progressToken"], token.stringValue != nil || token.numberValue != nil,
              MCPReply.acceptsEventStream(req)
        else { return nil }
        return token
    }

    private enum Event: Sendable {
        case progress(SandboxProgress)
        case tick
        case finished(JSONValue?)
    }

    /// `call` runs the tool with a progress callback and returns the whole JSON-RPC reply
    /// (nil for a call the client cancelled: the stream then ends without one).
    static func respond(token: JSONValue, cancelsOnDisconnect: Bool, _ call: @escaping @Sendable (@escaping @Sendable (SandboxProgress) -> Void) async -> JSONValue?) -> Response {
        stream(progressToken: token, cancelsOnDisconnect: cancelsOnDisconnect, call)
    }

    /// A 2026-07-28 call that outlived `MCPCallGrace.grace` on its worker: the stream carries keepalives until
    /// its reply, so a client that leaves stops it.
    static func respond(continuing running: Task<SandboxOverload.Reply, Never>) -> Response {
        stream(progressToken: nil, cancelsOnDisconnect: true) { _ in
            await withTaskCancellationHandler { await running.value.message } onCancel: { running.cancel() }
        }
    }

    /// `progressToken` nil: the call reports no progress.
    private static func stream(progressToken token: JSONValue?, cancelsOnDisconnect: Bool,
                               _ call: @escaping @Sendable (@escaping @Sendable (SandboxProgress) -> Void) async -> JSONValue?) -> Response {
        let body = Response.Body(managedAsyncStream: { writer in
            let (events, continuation) = AsyncStream<Event>.makeStream()
            let running = Task {
                let reply = await call { continuation.yield(.progress($0)) }
                continuation.yield(.finished(reply))
                continuation.finish()
            }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .milliseconds(200))
                    continuation.yield(.tick)
                }
            }
            defer { ticker.cancel() }
            var last = -Double.infinity
            do {
                for await event in events {
                    switch event {
                    case .progress(let update):
                        // Progress must grow with each notification; a report that does not is dropped.
                        guard let token, update.progress > last else { continue }
                        last = update.progress
                        var params: [String: JSONValue] = ["progressToken": token, "progress": .number(update.progress)]
                        if let total = update.total { params["total"] = .number(total) }
                        if let message = update.message { params["message"] = .string(message) }
                        try await writer.write(.buffer(MCPReply.eventFrame(["jsonrpc": "2.0", "method": "notifications/progress", "params": .object(params)])))
                    case .tick:
                        try await writer.write(.buffer(ServerSentEvent.keepalive))
                    case .finished(let reply):
                        if let reply { try await writer.write(.buffer(MCPReply.eventFrame(reply))) }
                        return
                    }
                }
            } catch {
                // The client is gone: nobody will read the result, so under 2026-07-28 the work stops now.
                if cancelsOnDisconnect { running.cancel() }
                throw error
            }
        })
        return Response(status: .ok, headers: ServerSentEvent.headers, body: body)
    }
}
