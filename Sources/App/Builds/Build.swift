import Fluent
import Foundation

/// One build of a server: a job in the database-backed queue and, once run, the
/// record of what happened (its log lines).
final class Build: Model, @unchecked Sendable {
    static let schema = "builds"

    enum Status: String, Codable, Sendable {
        case queued, running, succeeded, failed
    }

    @ID(key: .id) var id: UUID?
    @Parent(key: "server_id") var server: HostedServer
    @Parent(key: "organization_id") var organization: Organization
    @OptionalField(key: "requested_by") var requestedBy: UUID?
    @Enum(key: "status") var status: Status
    /// The spec this build turns into a version.
    @Field(key: "spec_json") var specJSON: String
    @OptionalField(key: "version_number") var versionNumber: Int?
    @OptionalField(key: "error") var error: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    /// Written by the runner every few seconds while the build runs (see `BuildLease`).
    @OptionalField(key: "heartbeat_at") var heartbeatAt: Date?

    init() {}
}

/// A step of a build as the owner reads it, streamed live to the browser.
final class BuildLogLine: Model, @unchecked Sendable {
    static let schema = "build_log_lines"

    @ID(key: .id) var id: UUID?
    @Parent(key: "build_id") var build: Build
    @Field(key: "sequence") var sequence: Int
    @Field(key: "at") var at: Date
    /// `info`, `ok` or `error`.
    @Field(key: "level") var level: String
    @Field(key: "message") var message: String

    init() {}
}
