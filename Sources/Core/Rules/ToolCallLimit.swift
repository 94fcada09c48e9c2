/// How many tool calls a minute one token, and separately one server, may make (MCP security
/// best practices: servers must rate-limit tool invocations; SECURITY.md 45).
public enum ToolCallLimit: Sendable, Equatable {
    /// The figure of the workspace's plan (`Plan.toolCallsPerMinute`).
    case plan
    /// A self-hoster's figure for every workspace (`BMM_TOOL_CALLS_PER_MINUTE`).
    case perMinute(Int)
    /// No limit (`BMM_TOOL_CALLS_PER_MINUTE=off`), for benchmarks and trusted installations.
    case off

    /// The setting's value: a positive whole number or `off`; nil for anything else.
    public init?(setting: String) {
        if setting == "off" {
            self = .off
        } else if let limit = Int(setting), limit > 0 {
            self = .perMinute(limit)
        } else {
            return nil
        }
    }

    /// The fixed one-minute window a call on `plan` is counted in, or nil when calls are not limited.
    public func rule(for plan: Plan) -> RateLimitRule? {
        switch self {
        case .plan: RateLimitRule(limit: plan.toolCallsPerMinute, window: 60)
        case .perMinute(let limit): RateLimitRule(limit: limit, window: 60)
        case .off: nil
        }
    }
}
