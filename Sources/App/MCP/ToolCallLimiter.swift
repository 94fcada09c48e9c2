import Core
import Foundation
import Vapor

/// Tool calls counted per token and, separately, per server, in one-minute windows
/// (`ToolCallCounter`: in memory, shared by every instance through the database).
/// The figure is the plan's unless the operator set `BMM_TOOL_CALLS_PER_MINUTE`.
enum ToolCallLimiter {
    /// Which limit a refused call ran into.
    enum Limit: String, Sendable {
        case token, server
    }

    struct Refusal: Sendable {
        let limit: Limit
        let perMinute: Int
        let retryAfterSeconds: Int
    }

    /// Counts this call; a refusal when it is one too many for the token or the server.
    static func count(_ req: Request, _ context: MCPContext) async throws -> Refusal? {
        guard let rule = req.application.config.toolCalls.rule(for: context.live.plan) else { return nil }
        let keys = [(Limit.token, "mcp-token:" + context.tokenKey), (Limit.server, "mcp-server:" + context.server.id!.uuidString)]
        let admission = try await req.application.hosting.toolCalls.admit(keys.map(\.1), rule, now: req.application.clock.now(), database: req.db)
        guard case .refused(let key, let retryAfter) = admission, let limit = keys.first(where: { $0.1 == key })?.0 else { return nil }
        return Refusal(limit: limit, perMinute: rule.limit, retryAfterSeconds: retryAfter)
    }

    /// 429 with `Retry-After` in both eras, and a JSON-RPC error saying which limit and when to retry.
    static func reply(_ req: Request, id: JSONValue, _ refusal: Refusal) throws -> Response {
        let error = JSONRPC.ErrorReply(
            id: id, code: JSONRPC.rateLimited,
            message: "Too many tool calls: at most \(refusal.perMinute) a minute per \(refusal.limit.rawValue). Retry in \(refusal.retryAfterSeconds) s.",
            data: ["limit": .string(refusal.limit.rawValue), "perMinute": .number(Double(refusal.perMinute)),
                   "retryAfterSeconds": .number(Double(refusal.retryAfterSeconds))])
        let response = try MCPReply.send(req, error.json, status: .tooManyRequests)
        response.headers.replaceOrAdd(name: "Retry-After", value: String(refusal.retryAfterSeconds))
        return response
    }
}
