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
        guard let meta, let bodyVersion = meta[MCPMethods.protocolMeta], meta[MCPMethods.capabilitiesMeta] != nil else {
            return try refuse(JSONRPC.invalidParams, "params._meta must carry \(MCPMethods.protocolMeta) and \(MCPMethods.capabilitiesMeta).")
        }
        guard let headerVersion, bodyVersion.stringValue == headerVersion else {
            return try refuse(JSONRPC.headerMismatch, "MCP-Protocol-Version does not match the request's protocol version.")
        }
        guard req.headers.first(name: "Mcp-Method") == message.method else {
            return try refuse(JSONRPC.headerMismatch, "Mcp-Method does not match the request's method.")
        }
        if message.method == "tools/call", let name = message.params["name"]?.stringValue,
           req.headers.first(name: "Mcp-Name").map(MCPReply.decodeHeaderValue) != name {
            return try refuse(JSONRPC.headerMismatch, "Mcp-Name does not match the tool being called.")
        }
        guard MCPMethods.statelessVersions.contains(headerVersion) else {
            return try refuse(JSONRPC.unsupportedProtocolVersion, "Unsupported protocol version",
                              data: ["supported": .array(MCPMethods.allVersions.map { .string($0) }), "requested": .string(headerVersion)])
        }
        switch message.method {
        case "subscriptions/listen":
            guard MCPReply.acceptsEventStream(req) else {
                return try refuse(JSONRPC.invalidRequest, "subscriptions/listen answers with an event stream: send Accept: text/event-stream.")
            }
            return MCPNotificationStream.listen(req, context, message, id: id)
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
