import Core
import Fluent
import Foundation
import Vapor

/// The protocol versions served and the methods both eras share.
enum MCPMethods {
    static let statelessVersions = ["2026-07-28"]
    static let handshakeVersions = ["2025-11-25", "2025-06-18", "2025-03-26"]
    static let protocolMeta = "io.modelcontextprotocol/protocolVersion"
    static let capabilitiesMeta = "io.modelcontextprotocol/clientCapabilities"

    static func dispatch(_ req: Request, _ context: MCPContext, _ message: JSONRPC.Message, id: JSONValue, stateless: Bool) async throws -> Response {
        // The stateless revision gives JSON-RPC errors an HTTP status; the 2025
        // revisions expect 200, and their clients drop the connection otherwise.
        func failure(_ code: Int, _ text: String) throws -> Response {
            let status: HTTPStatus = !stateless ? .ok : code == JSONRPC.methodNotFound ? .notFound : .badRequest
            return try MCPReply.send(req, JSONRPC.ErrorReply(id: id, code: code, message: text).json, status: status)
        }
        func complete(_ result: JSONValue, cacheable: Bool = false) -> JSONValue {
            guard stateless, case .object(var fields) = result else { return result }
            fields["resultType"] = "complete"
            if cacheable {
                fields["ttlMs"] = 0
                fields["cacheScope"] = "private"
            }
            return .object(fields)
        }
        switch message.method {
        case "ping":
            return try MCPReply.send(req, JSONRPC.result(id: id, complete([:])))
        case "tools/list":
            return try MCPReply.send(req, JSONRPC.result(id: id, complete(MCPToolList(spec: context.spec).json, cacheable: true)))
        case "tools/call":
            guard let name = message.params["name"]?.stringValue else {
                return try failure(JSONRPC.invalidParams, "tools/call needs a tool name.")
            }
            let invoker = ToolInvoker(hosting: req.application.hosting, clock: req.application.clock, server: context.server, spec: context.spec,
                                      secrets: context.live.secrets, plan: context.live.plan, structured: stateless ? .anyValue : .objectsOnly)
            do {
                let outcome = try await invoker.call(name, arguments: message.params["arguments"])
                return try MCPReply.send(req, JSONRPC.result(id: id, complete(outcome.result)))
            } catch ToolInvoker.Failure.unknownTool(let name) {
                return try failure(JSONRPC.invalidParams, "Unknown tool: \(name)")
            }
        default:
            return try failure(JSONRPC.methodNotFound, "Method not found: \(message.method)")
        }
    }

    static func serverInfo(_ context: MCPContext) -> JSONValue {
        ["name": .string(context.spec.name), "version": .string("1")]
    }
}
