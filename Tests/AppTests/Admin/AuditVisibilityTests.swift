@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Who reads the audit log: owners everything, a member only the events they caused")
struct AuditVisibilityTests {
    @Test("a member's /audit and /v1/audit hold only their own events; an owner's hold everyone's", arguments: TestDatabase.all)
    func memberSeesOwnEvents(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given an owner's team with a member, and events of both
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, "member@example.com"), as: "member@example.com")
            let memberID = try await Workspaces.user(app, "member@example.com").id!
            #expect(try await member.postObject("/v1/tokens", ["name": "mine"]).status == .created)

            // when each reads the log
            let memberEvents = try #require(try AccountDataTests.json(try await member.get("/v1/audit?limit=200"))["events"] as? [[String: Any]])
            let ownerEvents = try #require(try AccountDataTests.json(try await owner.get("/v1/audit?limit=200"))["events"] as? [[String: Any]])

            // then the member sees their own events only, the owner everyone's
            #expect(!memberEvents.isEmpty)
            #expect(memberEvents.allSatisfy { ($0["actorUserId"] as? String)?.lowercased() == memberID.uuidString.lowercased() })
            #expect(ownerEvents.count > memberEvents.count)
            #expect(ownerEvents.contains { $0["action"] as? String == "member.invited" })
            #expect(!memberEvents.contains { $0["action"] as? String == "member.invited" })
            let page = try await member.get("/audit").body.string
            #expect(page.contains("id=\"audit-scope\""))
            #expect(!page.contains(">member.invited</span>"), "no row of the owner's")
            #expect(page.contains(">token.created</span>"), "the member's own row")
            #expect(!(try await owner.get("/audit").body.string.contains("id=\"audit-scope\"")))
        }
    }

    @Test("the page's next link keeps the page length asked for", arguments: TestDatabase.all)
    func nextLinkKeepsLimit(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, _) = try await AccountDataTests.signedIn(app)
            for index in 0..<4 { #expect(try await owner.postObject("/v1/tokens", ["name": "t\(index)"]).status == .created) }
            let page = try await owner.get("/audit?limit=2&action=token.created").body.string
            let next = try #require(HTMLInspector(html: page).tags("a").compactMap { $0.attributes["href"] }.first { $0.contains("cursor=") })
            let items = URLComponents(string: next.replacingOccurrences(of: "&amp;", with: "&"))?.queryItems ?? []
            #expect(items.contains { $0.name == "limit" && $0.value == "2" })
            #expect(items.contains { $0.name == "action" && $0.value == "token.created" })
        }
    }
}
