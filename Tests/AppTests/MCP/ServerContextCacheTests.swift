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
            let id = try await Hosting.createAndBuild(browser)
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
            organization.plan = PlanID.enterprise.rawValue
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
            let id = try await Hosting.createAndBuild(browser)
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
}

extension ServerContextCache.Entry: Equatable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.server.id == rhs.server.id && lhs.versionID == rhs.versionID && lhs.stamp == rhs.stamp
    }
}
