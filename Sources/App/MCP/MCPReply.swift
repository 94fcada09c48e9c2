import Core
import Fluent
import Foundation
import Vapor

/// How MCP answers leave, and header values as clients send them.
enum MCPReply {
    /// JSON unless the client accepts only an event stream (`application/json;q=0` refuses JSON, RFC 9110 §12.4.2).
    static func send(_ req: Request, _ message: JSONValue, status: HTTPStatus = .ok) throws -> Response {
        if acceptsEventStream(req) && !AcceptHeader(req.headers.first(name: .accept)).accepts("application", "json") {
            // nginx and similar proxies buffer responses by default, which holds an event stream back.
            return Response(status: status, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-store", "X-Accel-Buffering": "no"],
                            body: .init(buffer: eventFrame(message)))
        }
        return Response(status: status, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                        body: .init(string: SpecJSON.compact(message)))
    }

    /// The HTTP status of a JSON-RPC error answering a well-formed request: its own in the stateless revision, 200 in
    /// the 2025 ones, whose clients treat any other status as a broken connection and end the session.
    static func errorStatus(_ status: HTTPStatus, stateless: Bool) -> HTTPStatus {
        stateless ? status : .ok
    }

    /// Whether the client can read an event stream (it may accept JSON too): named in `Accept`, with a weight above 0.
    static func acceptsEventStream(_ req: Request) -> Bool {
        AcceptHeader(req.headers.first(name: .accept)).names("text", "event-stream")
    }

    /// One JSON-RPC message as a server-sent event, as every MCP stream carries them.
    static func eventFrame(_ message: JSONValue) -> ByteBuffer {
        ByteBuffer(string: "event: message\ndata: \(SpecJSON.compact(message))\n\n")
    }

    /// A JSON-RPC error for input the client got wrong. Logged once, here, as a notice: it is
    /// the client's mistake, not ours, and it never reaches the error middleware to be logged again.
    static func refuse(_ req: Request, _ error: JSONRPC.ErrorReply, status: HTTPStatus) throws -> Response {
        req.logger.notice("MCP request refused", metadata: ["code": "\(error.code)", "status": "\(status.code)", "reason": "\(error.message)"])
        return try send(req, error.json, status: status)
    }

    /// A header's value as one field (RFC 9110 §5.3: repeated field lines are one value joined by ", "), so
    /// `Mcp-Name: add` twice over with `Mcp-Name: boom` is `add, boom` here as it may be to a proxy in front, and
    /// never passes a check that compares it with the body; nil when the header is absent.
    static func field(_ req: Request, _ name: String) -> String? {
        let lines = req.headers[name]
        return lines.isEmpty ? nil : lines.joined(separator: ", ")
    }

    /// `Mcp-Name` may be sent base64-encoded (`=?base64?…?=`) when the name is not plain ASCII.
    static func decodeHeaderValue(_ value: String) -> String {
        guard value.hasPrefix("=?base64?"), value.hasSuffix("?="),
              let data = Data(base64Encoded: String(value.dropFirst(9).dropLast(2))) else { return value }
        return String(decoding: data, as: UTF8.self)
    }
}
