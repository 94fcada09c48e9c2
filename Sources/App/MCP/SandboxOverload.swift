import Core
import Vapor

/// A tool call that found no free sandbox worker within the queue's deadline
/// (`BMM_SANDBOX_QUEUE_SECONDS`) is answered 503 with `Retry-After` in both eras, and a
/// JSON-RPC error saying the call may be retried; never a tool result with `isError`,
/// which a model would read as the tool itself failing.
enum SandboxOverload {
    enum Reply: Sendable {
        case message(JSONValue)
        case overloaded(JSONRPC.ErrorReply, retryAfterSeconds: Int)
        /// The client cancelled the request (2025 sessions): no response is sent for it.
        case cancelled(fallback: JSONValue)

        /// What the reply's stream carries last; nil: nothing.
        var message: JSONValue? {
            switch self {
            case .message(let message): message
            case .overloaded(let error, _): error.json
            case .cancelled: nil
            }
        }
    }

    static func error(id: JSONValue, retryAfterSeconds: Int) -> JSONRPC.ErrorReply {
        JSONRPC.ErrorReply(
            id: id, code: JSONRPC.overloaded,
            message: "The server is overloaded: no sandbox worker was free in time, so the tool did not run. Retry in \(retryAfterSeconds) s.",
            data: ["retryable": true, "retryAfterSeconds": .number(Double(retryAfterSeconds))])
    }

    static func send(_ req: Request, _ reply: Reply, stateless: Bool) throws -> Response {
        switch reply {
        case .message(let message):
            return try MCPReply.send(req, message)
        case .overloaded(let error, let seconds):
            let response = try MCPReply.send(req, error.json, status: MCPReply.errorStatus(.serviceUnavailable, stateless: stateless))
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
            return response
        case .cancelled(let fallback):
            // "Receivers of cancellation notifications SHOULD ... not send a response for the
            // cancelled request", and a client that gets one anyway may report an answer to a
            // request it no longer knows. The POST still needs an answer: an event stream that
            // ends with no message carries none. A client that cannot read a stream gets the
            // call's result as before.
            guard MCPReply.acceptsEventStream(req) else { return try MCPReply.send(req, fallback) }
            return Response(status: .ok, headers: ServerSentEvent.headers, body: .empty)
        }
    }
}
