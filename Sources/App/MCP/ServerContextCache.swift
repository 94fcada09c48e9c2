import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What a tool call needs about its server (the live version's spec, its secrets, the
/// plan's limits), kept so a call does not re-read the version, decode the spec and
/// decrypt the secrets each time. An entry younger than `lifetime` is used as it is;
/// an older one is checked against the database with one small query (the server's
/// `Stamp`) and reloaded only when something changed. Changes made through this
/// instance (build, rollback, secrets, deletion, a template takedown) drop the entry at
/// once; other instances see them within `lifetime`. So that servers in use never pay that
/// query on a call, `refresh` (run by `serve` twice per lifetime) checks the stamps of every
/// entry used lately in a few batched queries and renews the ones that still match.
final class ServerContextCache: Sendable {
    struct Entry: Sendable {
        let server: HostedServer
        let versionID: UUID
        /// The live version's number, which MCP clients see as `serverInfo.version`.
        let versionNumber: Int
        let spec: ServerSpec
        let secrets: [String: String]
        let plan: Plan
        let stamp: Stamp
        var checkedAt: ContinuousClock.Instant
        /// When a call last used the entry; `refresh` renews only entries used within `keepWarm`.
        var lastUsed: ContinuousClock.Instant
    }

    /// Everything an entry depends on that can change without a new entry being built here.
    struct Stamp: Sendable, Equatable {
        let activeVersionID: UUID?
        let planID: String
        let planOverride: String?
        let secretCount: Int
        let secretsUpdatedAt: Date?
        /// The status of the marketplace template the server was forked from, if any: a
        /// takedown changes every fork's stamp at once, so every instance notices it.
        let templateStatus: String?
        /// The workspace's last paid renewal, which starts its quota period (`QuotaPeriod`).
        var quotaPeriodStart: Date? = nil

        var isTemplateTakenDown: Bool { templateStatus == Template.Status.takedown.rawValue }
    }

    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])
    let lifetime: Duration
    /// Entries kept at most; beyond it the longest-unchecked tenth is dropped.
    let capacity: Int

    /// How long after its last call `refresh` keeps renewing an entry. Renewing costs a row of a
    /// batched stamp query per entry twice per `lifetime`; a call to an entry not renewed pays one
    /// small stamp query of its own. A window of one second renews every server called at least once
    /// a second and costs at most two rows per call however many servers there are. Longer windows
    /// renewed servers called now and then many times per call (over 10,000 servers called at random,
    /// 10 s renewed each about 11 times per call, 120 s about 30), and those bursts of batched queries
    /// doubled the p99 of random calls paced at 600 calls/s (README, issue 18).
    let keepWarm: Duration

    init(lifetime: Duration = .seconds(1), capacity: Int = 50_000, keepWarm: Duration = .seconds(1)) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.keepWarm = keepWarm
    }

    func invalidate(_ server: UUID) {
        entries.withLockedValue { $0[server] = nil }
    }

    var count: Int { entries.withLockedValue { $0.count } }

    /// The entry kept for `server`, as it is (for tests and diagnostics; calls use `context`).
    func kept(_ server: UUID) -> Entry? {
        entries.withLockedValue { $0[server] }
    }

    /// The server and its live context, or nil when it has no live version. An entry older
    /// than `maxAge` (default: the lifetime) is checked first; `.zero` always checks.
    func context(for id: UUID, app: Application, maxAge: Duration? = nil) async throws -> Entry? {
        let now = ContinuousClock.now
        let cached = entries.withLockedValue { entries -> Entry? in
            guard let index = entries.index(forKey: id) else { return nil }
            entries.values[index].lastUsed = now
            return entries.values[index]
        }
        if let cached, now - cached.checkedAt < maxAge ?? lifetime {
            return cached
        }
        // The stamp is read before anything else, so a change made while loading shows up
        // as a mismatch at the next check rather than being missed.
        guard let stamp = try await Self.stamp(of: id, on: app.db), stamp.activeVersionID != nil else {
            invalidate(id)
            return nil
        }
        if var cached, cached.stamp == stamp {
            cached.checkedAt = .now
            store(cached)
            return cached
        }
        guard let server = try await HostedServer.find(id, on: app.db) else {
            invalidate(id)
            return nil
        }
        guard let versionID = server.activeVersionID, let version = try await ServerVersion.find(versionID, on: app.db) else {
            invalidate(id)
            return nil
        }
        let secrets = try await ServerSecrets(database: app.db, box: app.secretBox).values(server: id, organization: server.$organization.id)
        let entry = Entry(server: server, versionID: versionID, versionNumber: version.number, spec: try SpecJSON.decode(version.specJSON), secrets: secrets,
                          plan: app.config.plans.plan(stored: stamp.planID, override: stamp.planOverride), stamp: stamp, checkedAt: .now,
                          lastUsed: .now)
        store(entry)
        return entry
    }

    private func store(_ entry: Entry) {
        entries.withLockedValue { entries in
            if entries[entry.server.id!] == nil, entries.count >= capacity {
                let oldest = entries.values.sorted { $0.checkedAt < $1.checkedAt }.prefix(max(1, capacity / 10))
                for old in oldest { entries[old.server.id!] = nil }
            }
            entries[entry.server.id!] = entry
        }
    }

    /// What a call's check reads of its server; the index test plans this same statement.
    static func stampQuery(of server: UUID) -> SQLQueryString {
        stampsQuery(of: [server])
    }

    static func stamp(of server: UUID, on database: any Database) async throws -> Stamp? {
        try await stamps(of: [server], on: database)[server]
    }

    /// The stamps of several servers in one statement, each with its server's id.
    static func stampsQuery(of servers: [UUID]) -> SQLQueryString {
        """
        SELECT s.id, s.active_version_id, o.plan, o.plan_override, o.quota_period_start,
               (SELECT COUNT(*) FROM server_secrets x WHERE x.server_id = s.id) AS secret_count,
               (SELECT MAX(x.updated_at) FROM server_secrets x WHERE x.server_id = s.id) AS secrets_updated_at,
               t.status AS template_status
        FROM servers s JOIN organizations o ON o.id = s.organization_id
        LEFT JOIN templates t ON t.id = s.template_id
        WHERE s.id IN (\(binds: servers))
        """
    }

    /// Servers missing from the answer no longer exist.
    static func stamps(of servers: [UUID], on database: any Database) async throws -> [UUID: Stamp] {
        guard let sql = database as? any SQLDatabase, !servers.isEmpty else { return [:] }
        var stamps: [UUID: Stamp] = [:]
        for row in try await sql.raw(stampsQuery(of: servers)).all() {
            stamps[try row.decode(column: "id", as: UUID.self)] = try Stamp(row: row)
        }
        return stamps
    }
}

extension ServerContextCache {
    /// Entries renewed per `refresh` at most, the most recently used first.
    static let refreshLimit = 20_000
    /// Servers per stamp query: well inside SQLite's and PostgreSQL's bind limits.
    static let refreshBatch = 500

    /// Checks the stamp of every entry used within `keepWarm` and renews (`checkedAt`) each one
    /// that still matches; one whose server changed or is gone is dropped, so its next call
    /// reloads it. Renewal dates from before the query, so no entry is trusted for longer than
    /// `lifetime` after the database last confirmed it. Returns how many entries were renewed.
    @discardableResult
    func refresh(on database: any Database) async throws -> Int {
        let started = ContinuousClock.now
        // Only ids, stamps and times are copied under the lock; sorting (rarely needed) happens outside it.
        var due = entries.withLockedValue { entries in
            entries.values.compactMap { entry in
                started - entry.lastUsed < keepWarm ? (id: entry.server.id!, stamp: entry.stamp, lastUsed: entry.lastUsed) : nil
            }
        }
        if due.count > Self.refreshLimit {
            due = Array(due.sorted { $0.lastUsed > $1.lastUsed }.prefix(Self.refreshLimit))
        }
        var renewed = 0
        var start = due.startIndex
        while start < due.endIndex, !Task.isCancelled {
            let batch = due[start..<min(start + Self.refreshBatch, due.endIndex)]
            start = batch.endIndex
            let current = try await Self.stamps(of: batch.map(\.id), on: database)
            entries.withLockedValue { entries in
                for (id, stamp, _) in batch {
                    // Replaced or dropped while the query ran: that entry speaks for itself.
                    guard let index = entries.index(forKey: id), entries.values[index].stamp == stamp else { continue }
                    if let fresh = current[id], fresh == stamp, fresh.activeVersionID != nil {
                        entries.values[index].checkedAt = max(entries.values[index].checkedAt, started)
                        renewed += 1
                    } else {
                        entries.remove(at: index)
                    }
                }
            }
        }
        return renewed
    }
}

extension ServerContextCache.Stamp {
    init(row: any SQLRow) throws {
        self.init(activeVersionID: try row.decode(column: "active_version_id", as: UUID?.self),
                  planID: try row.decode(column: "plan", as: String.self),
                  planOverride: try row.decode(column: "plan_override", as: String?.self),
                  secretCount: try row.decode(column: "secret_count", as: Int.self),
                  secretsUpdatedAt: try row.decode(column: "secrets_updated_at", as: Date?.self),
                  templateStatus: try row.decode(column: "template_status", as: String?.self),
                  quotaPeriodStart: try row.decode(column: "quota_period_start", as: Date?.self))
    }
}
