@testable import App
import Core
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

/// The change feed behind the server context cache: the database's triggers record every change
/// a cached context depends on, a reader returns each committed change once it is committed
/// (PostgreSQL: also when transactions commit out of order), and the cache drops what changed
/// and trusts the rest as of the read.
@Suite("Context change feed", .serialized)
struct ContextChangeFeedTests {
    static func sql(_ app: Application) throws -> any SQLDatabase {
        try #require(app.db as? any SQLDatabase)
    }

    /// Two live servers of one new workspace, and the workspace.
    static func twoServers(_ app: Application) async throws -> (UUID, UUID, organization: UUID) {
        let (browser, _) = try await AccountDataTests.signedIn(app)
        let first = try await Hosting.createAndBuild(browser, Hosting.keyedCalculator)
        var spec = Hosting.keyedCalculator
        spec.slug = "calculator-two"
        let second = try await Hosting.createAndBuild(browser, spec)
        return (first, second, try #require(try await HostedServer.find(first, on: app.db)).$organization.id)
    }

    /// What the triggers wrote after row `after`: servers and workspaces named.
    static func written(after: Int64, _ sql: any SQLDatabase) async throws -> (last: Int64, servers: Set<UUID>, organizations: Set<UUID>) {
        var last = after
        var servers: Set<UUID> = []
        var organizations: Set<UUID> = []
        for row in try await sql.raw("SELECT id, server_id, organization_id FROM context_changes WHERE id > \(bind: after) ORDER BY id").all() {
            last = try row.decode(column: "id", as: Int64.self)
            if let id = try row.decode(column: "server_id", as: UUID?.self) { servers.insert(id) }
            if let id = try row.decode(column: "organization_id", as: UUID?.self) { organizations.insert(id) }
        }
        return (last, servers, organizations)
    }

    @Test("writes to secrets, the live version, the plan, a source template and deletions are recorded; other writes are not", arguments: TestDatabase.all)
    func triggers(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let setting = try await TakedownTests.setUp(app)
            let fork = try #require(try await HostedServer.find(setting.fork, on: app.db))
            let organization = fork.$organization.id
            let sql = try Self.sql(app)
            var last = try await Self.written(after: 0, sql).last
            // Each step's writes have committed before it reads, so ids are in order here on both databases.
            func changed() async throws -> (servers: Set<UUID>, organizations: Set<UUID>) {
                let written = try await Self.written(after: last, sql)
                last = written.last
                return (written.servers, written.organizations)
            }

            fork.name = "Renamed"
            try await fork.save(on: app.db)
            #expect(try await changed() == ([], []), "a rename is not a context change")

            let secrets = ServerSecrets(database: app.db, box: app.secretBox)
            try await secrets.replace("API_KEY", value: "one", server: setting.fork, organization: organization, now: Date())
            #expect(try await changed() == ([setting.fork], []), "a new secret")
            try await secrets.replace("API_KEY", value: "two", server: setting.fork, organization: organization, now: Date())
            #expect(try await changed() == ([setting.fork], []), "a changed secret")
            try await secrets.replace("API_KEY", value: "", server: setting.fork, organization: organization, now: Date())
            #expect(try await changed() == ([setting.fork], []), "a removed secret")

            let live = fork.activeVersionID
            fork.activeVersionID = nil
            try await fork.save(on: app.db)
            fork.activeVersionID = live
            try await fork.save(on: app.db)
            #expect(try await changed() == ([setting.fork], []), "the live version")

            let workspace = try #require(try await Organization.find(organization, on: app.db))
            workspace.name = "Renamed workspace"
            try await workspace.save(on: app.db)
            #expect(try await changed() == ([], []), "a workspace rename is not a context change")
            workspace.planOverride = PlanID.enterprise.rawValue
            try await workspace.save(on: app.db)
            #expect(try await changed() == ([], [organization]), "the plan")

            // a takedown names every fork of the template, not its source
            let template = try await ModerationFixtures.reload(app, setting.template)
            template.status = .takedown
            try await template.save(on: app.db)
            #expect(try await changed() == ([setting.fork], []), "a takedown")

            try await fork.delete(on: app.db)
            #expect(try await changed().servers == [setting.fork], "a deletion")
        }
    }

    @Test("a reader returns each committed change after the point it began", arguments: TestDatabase.all)
    func reading(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let organization = try #require(try await HostedServer.find(id, on: app.db)).$organization.id
            var feed = ContextChangeFeed(database: try Self.sql(app))
            try await feed.begin()
            let secrets = ServerSecrets(database: app.db, box: app.secretBox)
            try await secrets.replace("A", value: "1", server: id, organization: organization, now: Date())
            #expect(try await feed.poll().servers.contains(id))
            let workspace = try #require(try await Organization.find(organization, on: app.db))
            workspace.planOverride = PlanID.enterprise.rawValue
            try await workspace.save(on: app.db)
            #expect(try await feed.poll().organizations.contains(organization))
            if case .sqlite = database {
                // PostgreSQL may return a change again while an older transaction anywhere in the cluster runs.
                #expect(try await feed.poll().isEmpty, "each change is read once")
            }
        }
    }

    @Test("a pruned feed keeps counting: a change after pruning everything is still read", arguments: TestDatabase.all)
    func pruning(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let sql = try Self.sql(app)
            var feed = ContextChangeFeed(database: sql)
            try await feed.begin()
            let secrets = ServerSecrets(database: app.db, box: app.secretBox)
            try await secrets.replace("A", value: "1", server: id, organization: server.$organization.id, now: Date())
            #expect(try await feed.poll().servers.contains(id))

            // pruning recent rows too: a reused id would be at or below the reader's cursor
            try await ContextChangeFeed.prune(before: Date().addingTimeInterval(60), on: sql)
            let left = try await sql.raw("SELECT COUNT(*) AS n FROM context_changes").first(decodingColumn: "n", as: Int.self)
            #expect(left == 0)
            try await secrets.replace("A", value: "2", server: id, organization: server.$organization.id, now: Date())
            #expect(try await feed.poll().servers.contains(id))

            // rows younger than the cutoff stay
            try await ContextChangeFeed.prune(before: Date().addingTimeInterval(-60), on: sql)
            let kept = try await sql.raw("SELECT COUNT(*) AS n FROM context_changes").first(decodingColumn: "n", as: Int.self)
            #expect(kept == 1)
        }
    }

    /// PostgreSQL hands out ids before commit: a reader that only remembered the highest id would
    /// skip a change whose transaction began first and committed last.
    @Test("PostgreSQL: a change committed after a later one is still read")
    func outOfOrderCommit() async throws {
        guard let postgres = TestDatabase.all.first(where: { if case .postgres = $0 { true } else { false } }) else { return }
        try await withConfiguredApp(try testConfig(database: postgres)) { app in
            let (slow, quick, organization) = try await Self.twoServers(app)
            // The pool keeps one connection per event loop: the open transaction holds one loop's, and
            // everything else goes through another loop's, or it would wait for the transaction to end.
            let loops = Array(app.eventLoopGroup.makeIterator())
            try #require(loops.count >= 2, "needs two event loops")
            let holding = try #require(app.databases.database(.psql, logger: app.logger, on: loops[0]))
            let other = try #require(app.databases.database(.psql, logger: app.logger, on: loops[1]))
            var feed = ContextChangeFeed(database: try #require(other as? any SQLDatabase))
            try await feed.begin()

            // given a transaction that wrote a change first and stays open
            let (wrote, wroteSignal) = AsyncStream<Void>.makeStream()
            let (release, releaseSignal) = AsyncStream<Void>.makeStream()
            let open = Task {
                try await holding.transaction { tx in
                    try await ServerSecrets(database: tx, box: app.secretBox)
                        .replace("A", value: "slow", server: slow, organization: organization, now: Date())
                    wroteSignal.yield()
                    for await _ in release { break }
                }
            }
            for await _ in wrote { break }

            // when a later change commits, and the feed is read
            try await ServerSecrets(database: other, box: app.secretBox)
                .replace("A", value: "quick", server: quick, organization: organization, now: Date())
            let before = try await feed.poll()
            #expect(before.servers.contains(quick) && !before.servers.contains(slow), "not committed yet")

            // then the first transaction's change, committed now, is read by the next poll
            releaseSignal.yield()
            try await open.value
            #expect(try await feed.poll().servers.contains(slow))
        }
    }

    @Test("the cache drops what a read names, trusts the rest as of the read, and checks for itself once reads stop")
    func cacheApplies() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (id, other, organization) = try await Self.twoServers(app)
            let cache = ServerContextCache(lifetime: .milliseconds(500))
            let nothing = ContextChangeFeed.Changes()

            // an entry loaded before the feed began is not vouched for by it
            let early = try #require(try await cache.context(for: id, app: app))
            cache.feedBegan(at: .now)
            try await Task.sleep(for: .milliseconds(600))
            cache.apply(nothing, readAt: .now)
            let rechecked = try #require(try await cache.context(for: id, app: app))
            #expect(rechecked.checkedAt > early.checkedAt, "checked itself: the feed may have missed its changes")
            #expect(try await cache.context(for: other, app: app) != nil)

            // entries older than the lifetime are used as they are while reads keep coming
            try await Task.sleep(for: .milliseconds(600))
            #expect(cache.apply(nothing, readAt: .now) == 0)
            #expect(try await cache.context(for: id, app: app)?.checkedAt == rechecked.checkedAt)

            // a change to one server drops that one only
            try await ServerSecrets(database: app.db, box: app.secretBox)
                .replace("API_KEY", value: "changed", server: id, organization: organization, now: Date())
            #expect(cache.apply(ContextChangeFeed.Changes(servers: [id]), readAt: .now) == 1)
            #expect(cache.kept(id) == nil && cache.kept(other) != nil)
            #expect(try await cache.context(for: id, app: app)?.secrets == ["API_KEY": "changed"])

            // a change to the workspace drops every server of it; another workspace's drops none
            #expect(cache.apply(ContextChangeFeed.Changes(organizations: [UUID()]), readAt: .now) == 0)
            #expect(cache.apply(ContextChangeFeed.Changes(organizations: [organization]), readAt: .now) == 2)
            #expect(cache.count == 0)

            // asking for a server that does not exist drops nothing loads must respect: anyone can ask, as often as they like
            let drops = cache.dropCount
            #expect(try await cache.context(for: UUID(), app: app) == nil)
            #expect(cache.dropCount == drops)

            // a read that overflowed drops everything
            #expect(try await cache.context(for: id, app: app) != nil)
            #expect(cache.apply(ContextChangeFeed.Changes(overflowed: true), readAt: .now) == 1)
            #expect(cache.count == 0)

            // once reads stop, an entry older than the lifetime checks its own stamp again
            let loaded = try #require(try await cache.context(for: id, app: app))
            try await Task.sleep(for: .milliseconds(600))
            let after = try #require(try await cache.context(for: id, app: app))
            #expect(after.checkedAt > loaded.checkedAt)
        }
    }
}
