@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("A server page opened from another of the person's workspaces")
struct ServerInOtherWorkspaceTests {
    @Test("names the workspace it is in and switches there to open it; tells nobody else anything", arguments: TestDatabase.all)
    func switchesThere(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a teammate's server, and a member whose browser works in their own workspace
            let (owner, _) = try await AccountDataTests.signedIn(app)
            let serverID = try await Hosting.createAndBuild(owner)
            let shared = try await Workspaces.organizationID(owner)
            let team = try #require(try await Organization.find(shared, on: app.db))
            let server = try #require(try await HostedServer.find(serverID, on: app.db))
            let email = AccountsTests.uniqueEmail().lowercased()
            let member = try await Workspaces.join(app, try await Workspaces.invite(owner, email), as: email)
            let user = try await Workspaces.user(app, email)
            let own = try #require(try await Membership.query(on: app.db).filter(\.$user.$id == user.id!)
                .filter(\.$organization.$id != shared).first()).$organization.id
            let settingsCSRF = try #require(BrowserSession.csrfField(in: try await member.get("/settings").body.string))
            #expect(try await member.postForm("/settings/workspace/switch", ["organization": own.uuidString, "csrf": settingsCSRF]).status == .seeOther)
            let path = "/servers/\(serverID.uuidString.lowercased())/versions"

            // when the member opens a link to it
            let page = try await member.get(path)

            // then the page says where it is and offers to switch there
            #expect(page.status == .notFound)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let body = page.body.string
            #expect(body.contains("is in your workspace “\(team.name)”"))
            #expect(body.contains("“\(server.name)”"))
            let inputs = HTMLInspector(html: body).tags("input")
            func field(_ name: String) -> String? { inputs.first { $0.attributes["name"] == name }?.attributes["value"] }
            #expect(field("organization") == shared.uuidString.lowercased())
            #expect(field("next") == path)
            let csrf = try #require(field("csrf"))
            let switched = try await member.postForm("/settings/workspace/switch", ["organization": shared.uuidString.lowercased(), "next": path, "csrf": csrf])
            #expect(switched.status == .seeOther)
            #expect(switched.headers.first(name: .location) == path)
            #expect(try await member.get(path).status == .ok)
            #expect(try await Workspaces.organizationID(member) == shared)

            // a next page elsewhere is not followed
            let away = try await member.postForm("/settings/workspace/switch", ["organization": own.uuidString, "next": "https://evil.example/", "csrf": csrf])
            #expect(away.headers.first(name: .location) == "/settings?saved=switched")

            // someone outside the workspace gets the plain 404, which names nothing
            let (stranger, _) = try await AccountDataTests.signedIn(app)
            let theirs = try await stranger.get(path)
            #expect(theirs.status == .notFound)
            #expect(!theirs.body.string.contains(team.name) && !theirs.body.string.contains(server.name))
            #expect(!theirs.body.string.contains("name=\"organization\""))
            // and the JSON API keeps its answer
            let api = try await member.get("/v1/servers/\(UUID().uuidString.lowercased())")
            #expect(api.status == .notFound)
            #expect(try AccountDataTests.json(api)["error"] as? String == "server_not_found")
            let elsewhere = try await member.get("/v1/servers/\(serverID.uuidString.lowercased())")
            #expect(elsewhere.status == .notFound, "the member works in their own workspace again")
            #expect(try AccountDataTests.json(elsewhere)["error"] as? String == "server_not_found")
        }
    }
}
