import Core
import Foundation

/// JSON-RPC 2.0 as MCP uses it over Streamable HTTP: one message per POST.
enum JSONRPC {
    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let internalError = -32603
    /// 2026-07-28: a routing header disagrees with the body.
    static let headerMismatch = -32020
    /// Ours: too many tool calls (HTTP 429). MCP defines no code for it, and since 2026-07-28
    /// implementations may not use -32000 to -32099 for their own (-32020 up is the
    /// specification's, the rest legacy), so it lies outside JSON-RPC's reserved range; 429
    /// echoes the status.
    static let rateLimited = -31429
    /// Ours, likewise: no sandbox worker came free in time (HTTP 503); the call did not run
    /// and may be sent again.
    static let overloaded = -31503
    /// 2026-07-28: the requested protocol version is not served here.
    static let unsupportedProtocolVersion = -32022

    struct Message: Sendable {
        /// nil for notifications.
        let id: JSONValue?
        let method: String
        let params: [String: JSONValue]

        /// A single request or notification; batches and responses are refused.
        static func parse(_ body: [UInt8]) -> Result<Message, ErrorReply> {
            guard let value = try? JSONValue.parse(body) else {
                return .failure(ErrorReply(id: .null, code: parseError, message: "The body is not valid JSON."))
            }
            guard case .object(let object) = value, object["jsonrpc"] == "2.0", case .string(let method)? = object["method"] else {
                // An id is echoed only when it is one (JSON-RPC §5: null when it cannot be determined), and only a
                // request's: a response the client sent carries an id of the server's requests, and echoing it could
                // read as the failure of the client's own request of that number (transports: "an error that has no id").
                let isResponse = value["result"] != nil || value["error"] != nil
                let id = isResponse ? .null : value["id"].flatMap { isValidID($0) ? $0 : nil } ?? .null
                return .failure(ErrorReply(id: id, code: invalidRequest,
                                           message: "The body must be a single JSON-RPC 2.0 request or notification object."))
            }
            // JSON-RPC allows null and fractional ids; MCP does not (a request id is a string or an integer).
            if let id = object["id"], !isValidID(id) {
                return .failure(ErrorReply(id: .null, code: invalidRequest, message: "The request id must be a string or an integer."))
            }
            // MCP's params are always an object; by-position (array) params or a scalar are not read as none.
            if let params = object["params"], params != .null, params.objectValue == nil {
                return .failure(ErrorReply(id: object["id"] ?? .null, code: invalidParams, message: "params must be an object."))
            }
            let params = object["params"]?.objectValue ?? [:]
            return .success(Message(id: object["id"], method: method, params: params))
        }

        static func isValidID(_ id: JSONValue) -> Bool {
            switch id {
            case .string: true
            case .number(let number): number.rounded() == number && abs(number) <= 9_007_199_254_740_991
            default: false
            }
        }
    }

    struct ErrorReply: Error, Sendable {
        let id: JSONValue
        let code: Int
        let message: String
        var data: JSONValue?

        var json: JSONValue {
            var error: [String: JSONValue] = ["code": .number(Double(code)), "message": .string(message)]
            if let data { error["data"] = data }
            return .object(["jsonrpc": "2.0", "id": id, "error": .object(error)])
        }
    }

    static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
        .object(["jsonrpc": "2.0", "id": id, "result": result])
    }
}
