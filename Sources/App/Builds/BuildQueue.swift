import Core
import Fluent
import Foundation
import SQLKit
import Vapor

/// The database-backed build queue: enqueue, claim (one runner per build, across
/// instances), and the log lines the owner watches.
struct BuildQueue: Sendable {
    let database: any Database
    let now: @Sendable () -> Date

    /// Queues a build of `spec` for `server`, counted against the plan's daily builds; the count is read
    /// and raised under the workspace's lock, so concurrent builds cannot pass the quota together.
    /// A build of exactly this spec already queued or running for the server is the answer instead: a request sent
    /// twice (a double click, a script's retry after a timeout) queues one build and spends one build of the day.
    func enqueue(_ spec: ServerSpec, for server: HostedServer, by user: UUID?, plan: Plan) async throws -> Build {
        let build = Build()
        build.id = UUID()
        build.$server.id = server.id!
        build.$organization.id = server.$organization.id
        build.requestedBy = user
        build.status = .queued
        build.specJSON = SpecJSON.encode(spec)
        build.createdAt = now()
        let now = now
        return try await database.writeTransaction { database in
            try await database.lockWorkspace(server.$organization.id)
            if let pending = try await Build.query(on: database).filter(\.$server.$id == server.id!)
                .filter(\.$status ~~ [.queued, .running]).filter(\.$specJSON == build.specJSON).first() {
                try await server.save(on: database)
                return pending
            }
            let today = try await UsageService(database: database, now: now()).today(.build, organization: server.$organization.id)
            try Self.checkQuota(plan: plan, usedToday: today, now: now())
            try await build.create(on: database)
            try await UsageService(database: database, now: now()).record(.build, organization: server.$organization.id)
            server.status = .building
            try await server.save(on: database)
            return build
        }
    }

    /// 429 with the reset time once the plan's daily builds are used.
    static func checkQuota(plan: Plan, usedToday: Int, now: Date) throws {
        do { try DailyQuota(.builds, plan: plan, usedToday: usedToday, now: now).check() } catch { throw APIError(error) }
    }

    /// Takes the oldest queued build for this runner, or nil. PostgreSQL skips rows
    /// another instance holds; SQLite has one writer, so the update itself is the lock.
    func claim() async throws -> Build? {
        guard let sql = database as? any SQLDatabase else { return nil }
        // Idle polls only read: on SQLite every write, even one that changes
        // nothing, competes with requests for the single writer lock.
        guard try await Build.query(on: database).filter(\.$status == .queued).first() != nil else { return nil }
        let skipLocked = sql.dialect.name == "postgresql" ? " FOR UPDATE SKIP LOCKED" : ""
        // One server's builds run one at a time, in the order they were asked for: a build waits while an earlier
        // one of its server is queued or running. Two runners building one server at once numbered two versions
        // alike (one build failed on the unique key) or made the older spec live by finishing last. Another
        // runner's claim not yet committed still shows its build as queued, so the newer one waits for it too.
        let row = try await sql.raw("""
            UPDATE builds SET status = 'running', started_at = \(bind: now()), heartbeat_at = \(bind: now())
            WHERE id = (
                SELECT b.id FROM builds b
                WHERE b.status = 'queued' AND NOT EXISTS (
                    SELECT 1 FROM builds e WHERE e.server_id = b.server_id AND e.id <> b.id AND (e.status = 'running'
                        OR (e.status = 'queued' AND (e.created_at < b.created_at OR (e.created_at = b.created_at AND e.id < b.id)))))
                ORDER BY b.created_at LIMIT 1\(unsafeRaw: skipLocked))
            AND status = 'queued'
            RETURNING id
            """).first()
        guard let id = try row?.decode(column: "id", as: UUID.self) else { return nil }
        return try await Build.find(id, on: database)
    }

    func log(_ build: Build, _ message: String, level: String = "info") async throws {
        let next = (try await BuildLogLine.query(on: database).filter(\.$build.$id == build.id!).max(\.$sequence) ?? 0) + 1
        let line = BuildLogLine()
        line.$build.id = build.id!
        line.sequence = next
        line.at = now()
        line.level = level
        line.message = message
        try await line.create(on: database)
    }

    /// Build `id` if it is one of `server`'s.
    func build(_ id: UUID?, of server: HostedServer) async throws -> Build? {
        guard let id, let build = try await Build.find(id, on: database), build.$server.id == server.id else { return nil }
        return build
    }

    /// Build `id` as it is now (the log follows it until it ends).
    func state(of id: UUID) async throws -> Build? {
        try await Build.find(id, on: database)
    }

    /// The server's most recent build.
    func latest(of server: HostedServer) async throws -> Build? {
        try await Build.query(on: database).filter(\.$server.$id == server.id!).sort(\.$createdAt, .descending).first()
    }

    func lines(of build: UUID, after sequence: Int = 0) async throws -> [BuildLogLine] {
        try await BuildLogLine.query(on: database).filter(\.$build.$id == build).filter(\.$sequence > sequence)
            .sort(\.$sequence).all()
    }

    /// Marks a build finished; the server goes live (with the build's spec as its next version, made here),
    /// back to its active version, or failed. Returns the new version, or nil for a failure and for a build
    /// already finished: a runner that stalled past its lease while another process failed its build makes no
    /// version and overwrites nothing. The build's row is locked first, so that check holds on PostgreSQL too.
    @discardableResult
    func finish(_ build: Build, error: String?, activating: Bool = false) async throws -> ServerVersion? {
        let now = now
        return try await database.writeTransaction { database -> ServerVersion? in
            _ = try await database.lockRow(of: Build.schema, id: build.id!)
            if let stored = try await Build.find(build.id, on: database), stored.status == .succeeded || stored.status == .failed {
                return nil
            }
            let server = try await HostedServer.find(build.$server.id, on: database)
            let version = server != nil && error == nil && activating ? try await Self.nextVersion(of: build, on: database, now: now()) : nil
            if let version {
                try await BuildQueue(database: database, now: now).log(build, "Version \(version.number) is live", level: "ok")
            }
            build.status = error == nil ? .succeeded : .failed
            build.error = error
            build.finishedAt = now()
            build.versionNumber = version?.number
            try await build.save(on: database)
            // Who shipped which version: the outcome, by the person who asked for the build, beside their request.
            var outcome = ["build": build.id!.uuidString]
            if let version { outcome["version"] = String(version.number) }
            try await AuditLog(database: database, now: now(), ip: nil, userAgent: nil).record(
                error == nil ? "server.build_succeeded" : "server.build_failed", organization: build.$organization.id,
                actor: build.requestedBy, resourceType: "server", resourceID: build.$server.id.uuidString, metadata: outcome)
            guard let server else { return nil }
            if let version {
                server.activeVersionID = version.id
                if let spec = try? SpecJSON.decode(version.specJSON) { server.describe(as: spec) }
                try await TemplateTakedown.detachIfRebuilt(server, spec: try SpecJSON.decode(version.specJSON), on: database)
            }
            server.status = server.activeVersionID == nil ? .failed : .active
            server.updatedAt = now()
            try await server.save(on: database)
            return version
        }
    }

    /// The version `build` makes: numbered after the server's last one, in the transaction that makes it live.
    private static func nextVersion(of build: Build, on database: any Database, now: Date) async throws -> ServerVersion {
        let last = try await ServerVersion.query(on: database).filter(\.$server.$id == build.$server.id).max(\.$number) ?? 0
        let version = ServerVersion()
        version.id = UUID()
        version.$server.id = build.$server.id
        version.$organization.id = build.$organization.id
        version.number = last + 1
        version.specJSON = build.specJSON
        version.createdAt = now
        try await version.create(on: database)
        return version
    }
}
