import Fluent
import Foundation

/// One tool call on a hosted server. Arguments and results are not stored.
final class ToolCallRecord: Model, @unchecked Sendable {
    static let schema = "tool_calls"

    @ID(key: .id) var id: UUID?
    @Parent(key: "server_id") var server: HostedServer
    @Parent(key: "organization_id") var organization: Organization
    @Field(key: "tool") var tool: String
    @Field(key: "at") var at: Date
    @Field(key: "duration_ms") var durationMilliseconds: Double
    /// `ok`, `tool_error`, `invalid_arguments` or `failed` (sandbox limit, crash).
    @Field(key: "outcome") var outcome: String
    @OptionalField(key: "error_message") var errorMessage: String?
    @Field(key: "bytes_in") var bytesIn: Int
    @Field(key: "bytes_out") var bytesOut: Int

    init() {}
}

/// A legacy (2025-era) MCP session: issued at `initialize`, bound to the person
/// and the server, stored hashed so any instance can answer. Never an
/// authentication by itself.
final class MCPSession: Model, @unchecked Sendable {
    static let schema = "mcp_sessions"

    @ID(key: .id) var id: UUID?
    @Parent(key: "server_id") var server: HostedServer
    @Parent(key: "user_id") var user: User
    @Field(key: "session_hash") var sessionHash: String
    @Field(key: "protocol_version") var protocolVersion: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}
}
