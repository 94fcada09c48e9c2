import Core
import Foundation
import Vapor

/// Tool calls counted per token and, separately, per server, in one-minute windows kept in
/// the database: every instance counts into the same rows, with one upsert per call for both.
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
        // Token first, server second, always: concurrent upserts then never wait on each other in a cycle.
        let keys = [(Limit.token, "mcp-token:" + context.tokenKey), (Limit.server, "mcp-server:" + context.server.id!.uuidString)]
        let outcomes = try await RateLimiter(database: req.db, now: req.application.clock.now()).hit(keys.map(\.1), rule)
        for (limit, key) in keys {
            if case .exceeded(let retryAfter) = outcomes[key] {
                return Refusal(limit: limit, perMinute: rule.limit, retryAfterSeconds: retryAfter)
            }
        }
        return nil
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
