import Core
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What a tool call needs about its server (the live version's spec, its secrets, the
/// plan's limits), kept so a call does not re-read the version, decode the spec and
/// decrypt the secrets each time. Changes made through this instance (build, rollback,
/// secrets, deletion, a template takedown) drop the entry at once. Changes made anywhere
/// reach every instance through the change feed (`ContextChangeFeed`), which `serve` reads
/// twice per `lifetime` (`startServerContextFeed`): each read drops the entries it names
/// and then vouches for every other entry as of the moment it began. So an entry is used
/// as it is while it or the last read is younger than `lifetime`, and no call waits on the
/// database however many servers are called; another instance's change is seen within
/// `lifetime`. Without a recent read (the feed not running, the database away) an entry
/// older than `lifetime` is checked with one small query (the server's `Stamp`) and
/// reloaded only when something changed.
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
        /// When the database last confirmed the entry itself (the start of its load or stamp check).
        var checkedAt: ContinuousClock.Instant
        /// When a call last used the entry; the least recently used go first when the cache is full.
        var lastUsed: ContinuousClock.Instant
        /// Which load of this instance made the entry. Every change a call depends on (an activation, a rollback
        /// and back, a secret set, deleted or set back to an old value, a plan change) drops the entry, and the
        /// next load has a new number: the warm realm it names is new, never one kept from before the change.
        var load: UInt64 = 0

        /// The warm realm this entry's calls may share (`SandboxCall.version`, digested with the rest).
        var realm: String { versionID.uuidString + "#" + String(load) }
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

    private struct State {
        var entries: [UUID: Entry] = [:]
        /// The start of the first feed read of the current unbroken run of reads; entries
        /// confirmed before it are not vouched for by the feed (it may have missed their changes).
        var feedOrigin: ContinuousClock.Instant?
        /// The start of the last feed read applied; every change committed before it was dropped.
        var feedConfirmed: ContinuousClock.Instant?
        /// Counts drops, so a load that overlapped one (and may have read what was dropped) is not kept.
        var drops = 0
    }

    private let state = NIOLockedValueBox(State())
    private let loads = NIOLockedValueBox<UInt64>(0)
    let lifetime: Duration
    /// Entries kept at most; beyond it the least recently used tenth is dropped.
    let capacity: Int

    init(lifetime: Duration = .seconds(1), capacity: Int = 50_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func invalidate(_ server: UUID) {
        state.withLockedValue { state in
            state.drops += 1
            state.entries[server] = nil
        }
    }

    /// Drops the entry of a server the database says is gone or not live. Unlike `invalidate`,
    /// this tells concurrent loads nothing: nothing changed, and anyone may ask for a server
    /// that does not exist as often as they like, which must not stop other entries being kept.
    private func forget(_ server: UUID) {
        state.withLockedValue { _ = $0.entries.removeValue(forKey: server) }
    }

    var count: Int { state.withLockedValue { $0.entries.count } }

    /// How many drops loads have had to respect so far (for tests).
    var dropCount: Int { state.withLockedValue { $0.drops } }

    /// The entry kept for `server`, as it is (for tests and diagnostics; calls use `context`).
    func kept(_ server: UUID) -> Entry? {
        state.withLockedValue { $0.entries[server] }
    }

    /// The server and its live context, or nil when it has no live version. An entry neither
    /// confirmed nor vouched for by the feed within `maxAge` (default: the lifetime) is checked
    /// first; `.zero` always checks.
    func context(for id: UUID, app: Application, maxAge: Duration? = nil) async throws -> Entry? {
        let now = ContinuousClock.now
        let (cached, isCurrent, drops) = state.withLockedValue { state -> (Entry?, Bool, Int) in
            guard let index = state.entries.index(forKey: id) else { return (nil, false, state.drops) }
            state.entries.values[index].lastUsed = now
            let entry = state.entries.values[index]
            var confirmed = entry.checkedAt
            if let origin = state.feedOrigin, let vouched = state.feedConfirmed, origin <= entry.checkedAt {
                confirmed = max(confirmed, vouched)
            }
            return (entry, now - confirmed < maxAge ?? lifetime, state.drops)
        }
        if let cached, isCurrent {
            return cached
        }
        // The stamp is read before anything else, so a change made while loading shows up
        // as a mismatch at the next check rather than being missed.
        let asked = ContinuousClock.now
        guard let stamp = try await Self.stamp(of: id, on: app.db), stamp.activeVersionID != nil else {
            forget(id)
            return nil
        }
        if var cached, cached.stamp == stamp {
            cached.checkedAt = asked
            store(cached, unlessDroppedSince: drops)
            return cached
        }
        guard let server = try await HostedServer.find(id, on: app.db) else {
            forget(id)
            return nil
        }
        guard let versionID = server.activeVersionID, let version = try await ServerVersion.find(versionID, on: app.db) else {
            forget(id)
            return nil
        }
        let spec = try SpecJSON.decode(version.specJSON)
        // Only what the live version declares reaches its code: a secret stored for another version (kept so a
        // rollback finds it) is not this version's to read.
        let declared = Set(spec.requiredSecrets.map(\.key))
        let opened = try await ServerSecrets(database: app.db, box: app.secretBox).opened(server: id, organization: server.$organization.id)
        if !opened.unreadable.isEmpty {
            app.logger.warning("server \(id): the stored secrets \(opened.unreadable.joined(separator: ", ")) do not open with the configured keys (BMM_ENCRYPTION_KEY); its tools run without them until they are entered again")
        }
        let secrets = opened.values.filter { declared.contains($0.key) }
        let entry = Entry(server: server, versionID: versionID, versionNumber: version.number, spec: spec, secrets: secrets,
                          plan: app.config.plans.plan(stored: stamp.planID, override: stamp.planOverride), stamp: stamp, checkedAt: asked,
                          lastUsed: .now, load: loads.withLockedValue { $0 += 1; return $0 })
        store(entry, unlessDroppedSince: drops)
        return entry
    }

    /// Keeps `entry` unless something was dropped since its load began: the load may have read
    /// what that drop was about before it changed, and the feed has already moved past it.
    private func store(_ entry: Entry, unlessDroppedSince drops: Int) {
        let capacity = capacity
        state.withLockedValue { state in
            guard state.drops == drops else { return }
            if state.entries[entry.server.id!] == nil, state.entries.count >= capacity {
                let oldest = state.entries.values.sorted { $0.lastUsed < $1.lastUsed }.prefix(max(1, capacity / 10))
                for old in oldest { state.entries[old.server.id!] = nil }
            }
            state.entries[entry.server.id!] = entry
        }
    }

    /// A new run of feed reads begins (the first, or after a gap the feed may not cover):
    /// entries confirmed before `origin` are left to their own checks until confirmed again.
    func feedBegan(at origin: ContinuousClock.Instant) {
        state.withLockedValue { state in
            state.feedOrigin = origin
            state.feedConfirmed = nil
        }
    }

    /// Applies a feed read that began at `started`: drops what changed, then vouches for the
    /// rest as of `started`. Returns how many entries were dropped.
    @discardableResult
    func apply(_ changes: ContextChangeFeed.Changes, readAt started: ContinuousClock.Instant) -> Int {
        state.withLockedValue { state in
            var dropped = 0
            if !changes.isEmpty {
                state.drops += 1
                let before = state.entries.count
                if changes.overflowed {
                    state.entries.removeAll()
                } else {
                    for server in changes.servers { state.entries[server] = nil }
                    if !changes.organizations.isEmpty {
                        state.entries = state.entries.filter { !changes.organizations.contains($0.value.server.$organization.id) }
                    }
                }
                dropped = before - state.entries.count
            }
            // A read that began before the run's origin vouches for nothing (`feedBegan`).
            if let origin = state.feedOrigin, origin <= started {
                state.feedConfirmed = max(state.feedConfirmed ?? started, started)
            }
            return dropped
        }
    }

    /// What a call's check reads of its server; the index test plans this same statement.
    static func stampQuery(of server: UUID) -> SQLQueryString {
        """
        SELECT s.active_version_id, o.plan, o.plan_override, o.quota_period_start,
               (SELECT COUNT(*) FROM server_secrets x WHERE x.server_id = s.id) AS secret_count,
               (SELECT MAX(x.updated_at) FROM server_secrets x WHERE x.server_id = s.id) AS secrets_updated_at,
               t.status AS template_status
        FROM servers s JOIN organizations o ON o.id = s.organization_id
        LEFT JOIN templates t ON t.id = s.template_id
        WHERE s.id = \(bind: server)
        """
    }

    /// The server's stamp, or nil when it no longer exists.
    static func stamp(of server: UUID, on database: any Database) async throws -> Stamp? {
        guard let sql = database as? any SQLDatabase else { return nil }
        return try await sql.raw(stampQuery(of: server)).first().map(Stamp.init(row:))
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
