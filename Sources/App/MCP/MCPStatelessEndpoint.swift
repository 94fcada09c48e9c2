import Core
import Fluent
import Foundation
import Vapor

/// MCP 2026-07-28: every request stands alone, with its protocol version and the
/// client's capabilities in `params._meta` and the method repeated in headers.
enum MCPStatelessEndpoint {
    /// Checks in the order the revision prescribes (first failure wins), after the
    /// controller refused unsupported versions: the `_meta` envelope, then the routing
    /// headers against the body.
    static func handle(_ req: Request, _ context: MCPContext, _ message: JSONRPC.Message, headerVersion: String?) async throws -> Response {
        guard let id = message.id else { return Response(status: .accepted) }
        func refuse(_ code: Int, _ text: String, data: JSONValue? = nil) throws -> Response {
            try MCPReply.refuse(req, JSONRPC.ErrorReply(id: id, code: code, message: text, data: data), status: .badRequest)
        }
        let meta = message.params["_meta"]?.objectValue
        guard let meta, let bodyVersion = meta[MCPMethods.protocolMeta], meta[MCPMethods.capabilitiesMeta]?.objectValue != nil else {
            return try refuse(JSONRPC.invalidParams, "params._meta must carry \(MCPMethods.protocolMeta) and \(MCPMethods.capabilitiesMeta) (an object).")
        }
        guard let headerVersion, bodyVersion.stringValue == headerVersion else {
            return try refuse(JSONRPC.headerMismatch, "MCP-Protocol-Version does not match the request's protocol version.")
        }
        guard MCPReply.field(req, "Mcp-Method") == message.method else {
            return try refuse(JSONRPC.headerMismatch, "Mcp-Method does not match the request's method.")
        }
        if message.method == "tools/call", let name = message.params["name"]?.stringValue,
           MCPReply.field(req, "Mcp-Name").map(MCPReply.decodeHeaderValue) != name {
            return try refuse(JSONRPC.headerMismatch, "Mcp-Name does not match the tool being called.")
        }
        // A 2025 version with a `_meta` envelope and no session: those versions need `initialize` first, so only the
        // versions that work without one are offered (a client retrying with any of them succeeds).
        guard MCPMethods.statelessVersions.contains(headerVersion) else {
            return try refuse(JSONRPC.unsupportedProtocolVersion, "\(headerVersion) needs initialize and a session; without one, use \(MCPMethods.statelessVersions.joined(separator: " or ")).",
                              data: ["supported": .array(MCPMethods.statelessVersions.map { .string($0) }), "requested": .string(headerVersion)])
        }
        switch message.method {
        case "subscriptions/listen":
            guard MCPReply.acceptsEventStream(req) else {
                return try refuse(JSONRPC.invalidRequest, "subscriptions/listen answers with an event stream: send Accept: text/event-stream.")
            }
            do {
                return try MCPNotificationStream.listen(req, context, message, id: id)
            } catch let error as APIError where error.status == .tooManyRequests {
                let response = try MCPReply.refuse(req, JSONRPC.ErrorReply(id: id, code: JSONRPC.rateLimited, message: error.reason), status: .tooManyRequests)
                response.headers.add(contentsOf: error.headers)
                return response
            }
        case "server/discover":
            let result: JSONValue = [
                "supportedVersions": .array(MCPMethods.allVersions.map { .string($0) }),
                "capabilities": MCPMethods.capabilities,
                "instructions": .string(context.spec.description),
                "ttlMs": .number(Double(MCPMethods.listTTLMilliseconds)), "cacheScope": "private", "resultType": "complete",
                "_meta": [MCPMethods.serverInfoMeta: MCPMethods.serverInfo(context)],
            ]
            return try MCPReply.send(req, JSONRPC.result(id: id, result))
        default:
            return try await MCPMethods.dispatch(req, context, message, id: id, stateless: true)
        }
    }
}
