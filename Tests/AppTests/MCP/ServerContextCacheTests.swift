@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor

/// The tool-call context cache: an entry is re-checked with one small query once it is
/// older than its lifetime, and reloaded exactly when what it depends on changed —
/// also when the change came from another instance (straight into the database here).
@Suite("Server context cache", .serialized)
struct ServerContextCacheTests {
    @Test("a stale entry is reused while its stamp holds and reloaded when the version, secrets or plan change", arguments: TestDatabase.all)
    func revalidation(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Hosting.keyedCalculator)
            let cache = ServerContextCache(lifetime: .zero)
            let first = try #require(try await cache.context(for: id, app: app))
            #expect(first.spec.tools.map(\.name).contains("add"))
            #expect(first.secrets.isEmpty)

            // versions are immutable, so a changed row with the same stamp proves the entry was reused, not reloaded
            let version = try #require(try await ServerVersion.find(first.versionID, on: app.db))
            let original = version.specJSON
            var edited = try SpecJSON.decode(original)
            edited.name = "Edited behind the cache"
            version.specJSON = SpecJSON.encode(edited)
            try await version.save(on: app.db)
            #expect(try await cache.context(for: id, app: app)?.spec.name == "Calculator")

            // a secret written by another instance
            try await ServerSecrets(database: app.db, box: app.secretBox)
                .replace("API_KEY", value: "first-value", server: id, organization: first.server.$organization.id, now: Date())
            let withSecret = try #require(try await cache.context(for: id, app: app))
            #expect(withSecret.secrets == ["API_KEY": "first-value"])
            #expect(withSecret.spec.name == "Edited behind the cache", "a reload reads the version again")
            try await ServerSecrets(database: app.db, box: app.secretBox)
                .replace("API_KEY", value: "second-value", server: id, organization: first.server.$organization.id, now: Date().addingTimeInterval(5))
            #expect(try await cache.context(for: id, app: app)?.secrets == ["API_KEY": "second-value"])
            try await ServerSecrets(database: app.db, box: app.secretBox)
                .replace("API_KEY", value: "", server: id, organization: first.server.$organization.id, now: Date())
            #expect(try await cache.context(for: id, app: app)?.secrets == [:])

            // the workspace's plan (tool limits)
            let organization = try #require(try await Organization.find(first.server.$organization.id, on: app.db))
            organization.planOverride = PlanID.enterprise.rawValue
            try await organization.save(on: app.db)
            #expect(try await cache.context(for: id, app: app)?.plan.id == .enterprise)

            // another active version
            version.specJSON = original
            try await version.save(on: app.db)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            server.activeVersionID = nil
            try await server.save(on: app.db)
            #expect(try await cache.context(for: id, app: app) == nil, "no live version, no context")
            server.activeVersionID = first.versionID
            try await server.save(on: app.db)
            #expect(try await cache.context(for: id, app: app)?.spec.name == "Calculator")

            // deleted
            try await server.delete(on: app.db)
            #expect(try await cache.context(for: id, app: app) == nil)
            #expect(cache.count == 0)
        }
    }

    @Test("a fresh entry is used without asking the database; the cache keeps at most its capacity", arguments: TestDatabase.all)
    func lifetimeAndCapacity(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Hosting.keyedCalculator)
            let cache = ServerContextCache(lifetime: .seconds(600), capacity: 10)
            let first = try #require(try await cache.context(for: id, app: app))
            try await ServerSecrets(database: app.db, box: app.secretBox)
                .replace("API_KEY", value: "unseen", server: id, organization: first.server.$organization.id, now: Date())
            #expect(try await cache.context(for: id, app: app)?.secrets == [:], "within its lifetime an entry is not re-checked")
            cache.invalidate(id)
            #expect(try await cache.context(for: id, app: app)?.secrets == ["API_KEY": "unseen"])

            let server = try #require(try await HostedServer.find(id, on: app.db))
            for index in 0..<11 {
                let copy = HostedServer()
                copy.id = UUID()
                copy.$organization.id = server.$organization.id
                copy.name = server.name
                copy.slug = "copy-\(index)"
                copy.description = server.description
                copy.specJSON = server.specJSON
                copy.status = server.status
                copy.activeVersionID = server.activeVersionID
                copy.createdAt = Date()
                copy.updatedAt = Date()
                try await copy.create(on: app.db)
                #expect(try await cache.context(for: copy.id!, app: app) != nil)
                #expect(cache.count <= 10)
            }
        }
    }

    @Test("serve reads the change feed in the background: an idle entry stays trusted without a check, and a change made straight in the database drops it within a lifetime")
    func backgroundFeed() async throws {
        var config = try testConfig()
        config.readsContextChanges = true
        try await withConfiguredApp(config) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, Hosting.keyedCalculator)
            // Three seconds rather than the product's one: the feed reads every half lifetime, and on a loaded
            // 2-core machine (a build beside the suite) one read came more than a second late, so the entry fell
            // back to checking itself, as designed, and the check below failed.
            let contexts = ServerContextCache(lifetime: .seconds(3))
            let old = app.hosting
            app.hosting = HostingEnvironment(sandbox: old.sandbox, egress: old.egress, extraAllowedCIDRs: old.extraAllowedCIDRs,
                                             limits: old.limits, buildSignal: old.buildSignal, calls: old.calls, contexts: contexts,
                                             toolLists: old.toolLists, toolCalls: old.toolCalls)
            // the feed vouches for entries loaded after its first read into this cache, half a lifetime away at most
            try await Task.sleep(for: contexts.lifetime / 2 + .milliseconds(200))
            let first = try #require(try await contexts.context(for: id, app: app))

            // when more than a lifetime passes without a call or a change
            try await Task.sleep(for: contexts.lifetime + .milliseconds(600))

            // then the feed vouched for the entry meanwhile: the call uses it without checking its stamp
            #expect(try await contexts.context(for: id, app: app)?.checkedAt == first.checkedAt)

            // when another instance writes a secret (only the database changes)
            try await ServerSecrets(database: app.db, box: app.secretBox)
                .replace("API_KEY", value: "from-elsewhere", server: id, organization: first.server.$organization.id, now: Date())

            // then within a lifetime the feed has dropped the entry and a call reads the secret
            let deadline = ContinuousClock.now + contexts.lifetime + .milliseconds(200)
            while contexts.kept(id) != nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(contexts.kept(id) == nil)
            #expect(try await contexts.context(for: id, app: app)?.secrets == ["API_KEY": "from-elsewhere"])
        }
    }

    @Test("a version made live through another instance is listed, and its new tool called, here at once, however fresh the entry here", arguments: TestDatabase.all)
    func acrossInstances(database: TestDatabase) async throws {
        let config = try testConfig(database: database)
        try await withConfiguredApp(config) { here in
            try await withConfiguredApp(config) { there in
                // given a server whose context this instance has cached, for longer than any test takes
                let old = here.hosting
                here.hosting = HostingEnvironment(sandbox: old.sandbox, egress: old.egress, extraAllowedCIDRs: old.extraAllowedCIDRs,
                                                  limits: old.limits, buildSignal: old.buildSignal, calls: old.calls,
                                                  contexts: ServerContextCache(lifetime: .seconds(3600)), toolLists: old.toolLists,
                                                  toolCalls: old.toolCalls)
                let (client, id) = try await MCPEndpointTests.setUp(here)
                let added = try MCPEndpointTests.result(try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 2]], name: "add"))
                #expect(added["isError"] as? Bool != true)
                // when another instance makes a version with another tool live
                let server = try #require(try await HostedServer.find(id, on: there.db))
                let first = try #require(try await ServerVersion.find(server.activeVersionID, on: there.db))
                var spec = try SpecJSON.decode(first.specJSON)
                spec.tools.append(Hosting.tool("subtract", "return { difference: args.a - args.b };"))
                let second = ServerVersion()
                second.$server.id = id
                second.$organization.id = first.$organization.id
                second.number = 2
                second.specJSON = SpecJSON.encode(spec)
                second.createdAt = Date()
                try await second.create(on: there.db)
                server.activeVersionID = second.id
                try await server.save(on: there.db)
                // then a client that heard of it lists the new tool and calls it here
                let listed = try MCPEndpointTests.result(try await client.stateless("tools/list"))
                #expect((listed["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String }.contains("subtract") == true)
                let info = (listed["_meta"] as? [String: Any])?["io.modelcontextprotocol/serverInfo"] as? [String: Any]
                #expect(info?["version"] as? String == "2")
                let called = try MCPEndpointTests.result(try await client.stateless("tools/call", ["name": "subtract", "arguments": ["a": 5, "b": 2]], name: "subtract"))
                #expect(called["isError"] as? Bool != true, "\(called)")
                #expect((called["structuredContent"] as? [String: Any])?["difference"] as? Int == 3)
            }
        }
    }
}

extension ServerContextCache.Entry: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.server.id == rhs.server.id && lhs.versionID == rhs.versionID && lhs.stamp == rhs.stamp
    }
}
