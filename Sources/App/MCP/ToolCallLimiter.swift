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

    /// A JSON-RPC error saying which limit and when to retry, with `Retry-After`: under 429 in the stateless
    /// revision, under 200 in the 2025 ones, whose clients (the Python SDK 1.x and the frameworks built on it) end
    /// the whole session on any other status (`MCPReply.errorStatus`).
    static func reply(_ req: Request, id: JSONValue, _ refusal: Refusal, stateless: Bool) throws -> Response {
        let error = JSONRPC.ErrorReply(
            id: id, code: JSONRPC.rateLimited,
            message: "Too many tool calls: at most \(refusal.perMinute) a minute per \(refusal.limit.rawValue). Retry in \(refusal.retryAfterSeconds) s.",
            data: ["limit": .string(refusal.limit.rawValue), "perMinute": .number(Double(refusal.perMinute)),
                   "retryAfterSeconds": .number(Double(refusal.retryAfterSeconds))])
        let response = try MCPReply.send(req, error.json, status: MCPReply.errorStatus(.tooManyRequests, stateless: stateless))
        response.headers.replaceOrAdd(name: "Retry-After", value: String(refusal.retryAfterSeconds))
        return response
    }

    /// Counts this call against the workspace's monthly tool calls (`MonthlyToolCalls`); the refusal once they are used.
    static func countMonthly(_ req: Request, _ context: MCPContext) async throws -> PeriodQuotaExceeded? {
        let hosting = req.application.hosting
        return try await hosting.monthlyCalls.admit(
            organization: context.server.$organization.id, plan: context.live.plan, renewedAt: context.live.stamp.quotaPeriodStart,
            now: req.application.clock.now(), calls: hosting.calls, database: req.db)
    }

    /// `quota_exceeded`, shaped like the per-minute refusal: `Retry-After` is the wait until the period ends.
    static func reply(_ req: Request, id: JSONValue, _ exceeded: PeriodQuotaExceeded, stateless: Bool) throws -> Response {
        let error = JSONRPC.ErrorReply(
            id: id, code: JSONRPC.rateLimited, message: exceeded.message,
            data: ["error": .string(exceeded.code), "limit": "month", "plan": .string(exceeded.plan.id.rawValue),
                   "monthlyToolCalls": .number(Double(exceeded.limit)),
                   "periodEnd": .string(ISO8601DateFormatter().string(from: exceeded.period.end)),
                   "retryAfterSeconds": .number(Double(exceeded.retryAfterSeconds))])
        let response = try MCPReply.send(req, error.json, status: MCPReply.errorStatus(.tooManyRequests, stateless: stateless))
        response.headers.replaceOrAdd(name: "Retry-After", value: String(exceeded.retryAfterSeconds))
        return response
    }
}
