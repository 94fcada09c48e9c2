@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Marketplace: fork references and forking over the API")
struct ForkTests {
    @Test("a second user forks a public template: the server records template and version, the count goes up once per workspace (never for the publisher's), the slug is uniqued", arguments: TestDatabase.all)
    func forkOverTheAPI(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a public template and a second person
            let owner = try await ForkFixtures.owner(app)
            let template = try await ForkFixtures.template(app, owner)
            let (forker, _) = try await AccountDataTests.signedIn(app)
            let forkerOrg = try await Workspaces.organizationID(forker)

            // when they ask for a reference
            let answer = try await forker.postObject("/v1/templates/weather/fork", [:] as [String: String])
            #expect(answer.status == .created)
            let body = try AccountDataTests.json(answer)
            let ref = try #require(body["forkRef"] as? String)
            #expect((body["template"] as? [String: Any])?["version"] as? Int == 1)
            #expect((body["template"] as? [String: Any])?["slug"] as? String == "weather")
            #expect((body["wizardUrl"] as? String)?.contains("/servers/new/fork?ref=" + ref) == true)
            let expires = try #require(ISO8601DateFormatter().date(from: body["expiresAt"] as? String ?? ""))
            #expect(abs(expires.timeIntervalSince(app.clock.now()) - 300) < 2)

            // and create the server with it
            let secret = "weather-key-" + UUID().uuidString
            let created = try await ForkFixtures.fork(forker, ref: ref, ["secrets": ["WEATHER_KEY": secret]])
            #expect(created.status == .created, "\(created.body.string)")
            #expect(!created.body.string.contains(secret))
            let id = try #require(UUID(uuidString: try AccountDataTests.json(created)["id"] as? String ?? ""))

            // then the server is the template's version, in the forker's workspace
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let version = try #require(try await TemplateVersion.query(on: app.db).filter(\.$template.$id == template.id!).first())
            #expect(server.templateID == template.id)
            #expect(server.templateVersionID == version.id)
            #expect(server.$organization.id == forkerOrg)
            #expect(server.slug == "weather")
            #expect(try SpecJSON.decode(server.specJSON).tools == ForkFixtures.weather.tools)
            #expect(try await ServerSecrets(database: app.db, box: app.secretBox).keys(server: id) == ["WEATHER_KEY"])
            #expect(try await ForkFixtures.forks(app, template) == 1)

            // the fork is audited in the forker's workspace only
            let events = try await AuditEvent.query(on: app.db).filter(\.$action == "template.fork").all()
            #expect(events.count == 1)
            #expect(events.first?.organizationID == forkerOrg)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$organizationID == owner.organization)
                .filter(\.$action == "template.fork").count() == 0)

            // a second fork from the same workspace gets the next free slug; a workspace counts once
            let again = try await ForkFixtures.fork(forker, ref: try await ForkFixtures.reference(forker))
            #expect(again.status == .created, "\(again.body.string)")
            #expect(try AccountDataTests.json(again)["slug"] as? String == "weather-2")
            #expect(try await ForkFixtures.forks(app, template) == 1)

            // a slug the person picks that is taken is refused, and nothing is counted
            let limited = try await ForkFixtures.fork(forker, ref: try await ForkFixtures.reference(forker), ["slug": "weather"])
            #expect(limited.status == .conflict || limited.status == .paymentRequired)
            #expect(try await ForkFixtures.forks(app, template) == 1)

            // deleting both forks and forking again does not count the workspace twice
            for server in try await HostedServer.query(on: app.db).filter(\.$organization.$id == forkerOrg).all() {
                #expect(try await forker.send(.DELETE, "/v1/servers/\(server.id!.uuidString.lowercased())",
                                              headers: ["X-CSRF-Token": forker.csrfCookie ?? ""]).status == .noContent)
            }
            #expect(try await ForkFixtures.fork(forker, ref: try await ForkFixtures.reference(forker)).status == .created)
            #expect(try await ForkFixtures.forks(app, template) == 1)

            // nor does the publisher forking their own template
            #expect(try await ForkFixtures.fork(owner.browser, ref: try await ForkFixtures.reference(owner.browser)).status == .created)
            #expect(try await ForkFixtures.forks(app, template) == 1)
            // a third workspace does
            let (third, _) = try await AccountDataTests.signedIn(app)
            #expect(try await ForkFixtures.fork(third, ref: try await ForkFixtures.reference(third)).status == .created)
            #expect(try await ForkFixtures.forks(app, template) == 2)
        }
    }

    @Test("references expire after five minutes, are bound to their user and version, and malformed ones are refused", arguments: TestDatabase.all)
    func referenceRules(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let owner = try await ForkFixtures.owner(app)
            let template = try await ForkFixtures.template(app, owner)
            let (forker, _) = try await AccountDataTests.signedIn(app)
            let (other, _) = try await AccountDataTests.signedIn(app)
            let ref = try await ForkFixtures.reference(forker)

            // another user cannot use it
            let stolen = try await ForkFixtures.fork(other, ref: ref)
            #expect(stolen.status == .conflict)
            #expect(try ForkFixtures.error(stolen) == "fork_ref_mismatch")

            // an altered reference (another version id, same signature) is a mismatch
            let parts = ref.split(separator: ".").map(String.init)
            let payload = try #require(Data(base64Encoded: Self.padded(parts[1])).map { String(decoding: $0, as: UTF8.self) })
            var fields = payload.split(separator: "|").map(String.init)
            fields[2] = UUID().uuidString.lowercased()
            let forged = [parts[0], Self.base64URL(fields.joined(separator: "|")), parts[2]].joined(separator: ".")
            let tampered = try await ForkFixtures.fork(forker, ref: forged)
            #expect(tampered.status == .conflict)
            #expect(try ForkFixtures.error(tampered) == "fork_ref_mismatch")

            // garbage is a bad request
            let garbage = try await ForkFixtures.fork(forker, ref: "not-a-reference")
            #expect(garbage.status == .badRequest)
            #expect(try ForkFixtures.error(garbage) == "fork_ref_invalid")

            // spec edits are refused on a fork, pointing to Iterate
            let edited = try await ForkFixtures.fork(forker, ref: ref, ["spec": try ServersAPITests.specObject(Hosting.calculator)])
            #expect(edited.status == .badRequest)
            #expect(try ForkFixtures.error(edited) == "spec_edit_forbidden_on_fork")
            #expect((try AccountDataTests.json(edited)["message"] as? String)?.contains("Iterate") == true)
            let toolEdit = try await ForkFixtures.fork(forker, ref: ref, ["tools": [["name": "x"]]])
            #expect(try ForkFixtures.error(toolEdit) == "spec_edit_forbidden_on_fork")
            // a draft's id beside the reference is named first, whatever else the body holds
            let both = try await ForkFixtures.fork(forker, ref: ref, ["previewId": UUID().uuidString, "specEdit": [:] as [String: String]])
            #expect(both.status == .unprocessableEntity)
            #expect(try ForkFixtures.error(both) == "invalid_request")

            // after five minutes it has expired
            clock.advance(ForkReference.lifetime + 1)
            let late = try await ForkFixtures.fork(forker, ref: ref)
            #expect(late.status == .gone)
            #expect(try ForkFixtures.error(late) == "fork_ref_expired")
            #expect(try await HostedServer.query(on: app.db).count() == 0)
            #expect(try await ForkFixtures.forks(app, template) == 0)
        }
    }

    @Test("only public templates can be forked; a takedown after the reference stops the creation", arguments: TestDatabase.all)
    func onlyPublic(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await ForkFixtures.owner(app)
            let hidden = try await ForkFixtures.template(app, owner, slug: "hidden-one", status: .hidden)
            try await ForkFixtures.template(app, owner, slug: "gone-one", status: .takedown)
            let template = try await ForkFixtures.template(app, owner)
            let (forker, _) = try await AccountDataTests.signedIn(app)

            let notFound = try await forker.postObject("/v1/templates/hidden-one/fork", [:] as [String: String])
            #expect(notFound.status == .notFound)
            let gone = try await forker.postObject("/v1/templates/gone-one/fork", [:] as [String: String])
            #expect(gone.status == .gone)
            #expect(try ForkFixtures.error(gone) == "template_taken_down")
            let ownHidden = try await owner.browser.postObject("/v1/templates/hidden-one/fork", [:] as [String: String])
            #expect(ownHidden.status == .conflict)
            #expect(try ForkFixtures.error(ownHidden) == "template_not_public")
            let signedOut = try await BrowserSession(app).postObject("/v1/templates/weather/fork", [:] as [String: String])
            #expect(signedOut.status == .unauthorized)

            // taken down between the reference and the creation
            let ref = try await ForkFixtures.reference(forker)
            try await ForkFixtures.setStatus(app, template, .takedown)
            let late = try await ForkFixtures.fork(forker, ref: ref)
            #expect(late.status == .gone)
            // unlisted between the two
            try await ForkFixtures.setStatus(app, hidden, .public)
            let ref2 = try await ForkFixtures.reference(forker, "hidden-one")
            try await ForkFixtures.setStatus(app, hidden, .hidden)
            #expect(try await ForkFixtures.fork(forker, ref: ref2).status == .notFound)
            #expect(try await HostedServer.query(on: app.db).count() == 0)
            #expect(try await ForkFixtures.forks(app, template) == 0)
        }
    }

    @Test("two forks at once are both counted", arguments: TestDatabase.all)
    func concurrentForks(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await ForkFixtures.owner(app)
            let template = try await ForkFixtures.template(app, owner)
            let (first, _) = try await AccountDataTests.signedIn(app)
            let (second, _) = try await AccountDataTests.signedIn(app)
            let (ref1, ref2) = (try await ForkFixtures.reference(first), try await ForkFixtures.reference(second))
            async let one = ForkFixtures.fork(first, ref: ref1)
            async let two = ForkFixtures.fork(second, ref: ref2)
            let (a, b) = try await (one, two)
            #expect(a.status == .created, "\(a.body.string)")
            #expect(b.status == .created, "\(b.body.string)")
            #expect(try await ForkFixtures.forks(app, template) == 2)
        }
    }

    @Test("five forks at once by one person without a slug: five servers, each with its own free slug", arguments: TestDatabase.all)
    func concurrentForksWithoutSlug(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await ForkFixtures.owner(app)
            _ = try await ForkFixtures.template(app, owner)
            let (forker, _) = try await AccountDataTests.signedIn(app)
            try await Workspaces.allowMembers(forker) // Team: room for five servers
            var refs: [String] = []
            for _ in 0..<5 { refs.append(try await ForkFixtures.reference(forker)) }
            let statuses = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                for ref in refs { group.addTask { try await ForkFixtures.fork(forker, ref: ref) } }
                return try await group.reduce(into: [TestingHTTPResponse]()) { $0.append($1) }
            }
            for response in statuses { #expect(response.status == .created, "\(response.body.string)") }
            let slugs = try await HostedServer.query(on: app.db).filter(\.$organization.$id != owner.organization).all().map(\.slug)
            #expect(Set(slugs) == ["weather", "weather-2", "weather-3", "weather-4", "weather-5"])
        }
    }

    @Test("a template whose slug is as long as a slug may be: each fork still gets a free slug, cut to fit its number",
          arguments: TestDatabase.all)
    func longSlugForks(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a template whose server's slug has the full 64 characters
            let owner = try await ForkFixtures.owner(app)
            var spec = ForkFixtures.weather
            spec.slug = String(repeating: "l", count: 64)
            _ = try await ForkFixtures.template(app, owner, spec: spec)
            let (forker, _) = try await AccountDataTests.signedIn(app)
            try await Workspaces.allowMembers(forker) // Team: room for three servers

            // when one person forks it three times without choosing a slug
            var slugs: [String] = []
            for _ in 0..<3 {
                let response = try await ForkFixtures.fork(forker, ref: try await ForkFixtures.reference(forker))
                #expect(response.status == .created, "\(response.body.string)")
                slugs.append(try AccountDataTests.json(response)["slug"] as? String ?? "")
            }

            // then
            let stem = String(repeating: "l", count: 62)
            #expect(slugs == [spec.slug, stem + "-2", stem + "-3"])
        }
    }

    @Test func referencesAreSignedAndBound() throws {
        let signer = ForkReferenceSigner(sessionSecret: String(repeating: "s", count: 64))
        let (user, template, version) = (UUID(), UUID(), UUID())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let (token, issued) = signer.issue(user: user, template: template, version: version, now: now, nonce: "n1")
        #expect(try signer.verify(token, user: user, now: now.addingTimeInterval(299)) == issued)
        #expect(throws: ForkReferenceSigner.Failure.expired) { try signer.verify(token, user: user, now: now.addingTimeInterval(300)) }
        #expect(throws: ForkReferenceSigner.Failure.mismatch) { try signer.verify(token, user: UUID(), now: now) }
        let otherKey = ForkReferenceSigner(sessionSecret: String(repeating: "t", count: 64))
        #expect(throws: ForkReferenceSigner.Failure.mismatch) { try otherKey.verify(token, user: user, now: now) }
        #expect(throws: ForkReferenceSigner.Failure.malformed) { try signer.verify("fr1.x.y", user: user, now: now) }
        #expect(throws: ForkReferenceSigner.Failure.malformed) { try signer.verify("", user: user, now: now) }
    }


    static func padded(_ text: String) -> String {
        let base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return base64 + String(repeating: "=", count: (4 - base64.count % 4) % 4)
    }

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
