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

        var message: JSONValue {
            switch self {
            case .message(let message): message
            case .overloaded(let error, _): error.json
            }
        }
    }

    static func error(id: JSONValue, retryAfterSeconds: Int) -> JSONRPC.ErrorReply {
        JSONRPC.ErrorReply(
            id: id, code: JSONRPC.overloaded,
            message: "The server is overloaded: no sandbox worker was free in time, so the tool did not run. Retry in \(retryAfterSeconds) s.",
            data: ["retryable": true, "retryAfterSeconds": .number(Double(retryAfterSeconds))])
    }

    static func send(_ req: Request, _ reply: Reply) throws -> Response {
        switch reply {
        case .message(let message):
            return try MCPReply.send(req, message)
        case .overloaded(let error, let seconds):
            let response = try MCPReply.send(req, error.json, status: .serviceUnavailable)
            response.headers.replaceOrAdd(name: "Retry-After", value: String(seconds))
            return response
        }
    }
}
