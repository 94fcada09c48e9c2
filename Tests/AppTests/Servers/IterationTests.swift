@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Iterating on a live server: revise in words, review the diff, build a new version")
struct IterationTests {
    static func csrf(_ browser: BrowserSession, _ path: String) async throws -> String {
        try #require(BrowserSession.csrfField(in: try await browser.get(path).body.string))
    }

    @Test("the drafter revises the live spec, the diff shows it, Build makes version 2", arguments: TestDatabase.all)
    func iterate(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a live weather server drafted offline
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let draft = try await browser.postObject("/v1/servers/preview", ["prompt": "Weather forecast for a city"])
            let previewID = try #require(try AccountDataTests.json(draft)["previewId"] as? String)
            let created = try await browser.postObject("/v1/servers", ["previewId": previewID])
            let id = try #require((try AccountDataTests.json(created)["id"] as? String).flatMap { UUID(uuidString: $0) })
            try await BuildRunner(app: app).drain()
            let page = "/servers/\(id.uuidString.lowercased())"
            let before = try SpecJSON.decode(try #require(try await ServerVersion.query(on: app.db).first()).specJSON)

            // a change that is refused (a key pasted into it) comes back in its box with the reason
            let leaky = "Use my key " + Publishing.tokenShaped + " for the forecasts"
            let refused = try await browser.postForm(page + "/iterate", ["csrf": try await Self.csrf(browser, page), "change": leaky])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Never paste keys into the description"))
            #expect(refused.body.string.contains("Secrets tab") && !refused.body.string.contains("next step"))
            let empty = try await browser.postForm(page + "/iterate", ["csrf": try await Self.csrf(browser, page), "change": "  "])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.body.string.contains("Describe the change you want"))
            #expect(refused.body.string.contains(">" + leaky + "</textarea>"))

            // when the owner asks for a change
            let asked = try await browser.postForm(page + "/iterate", ["csrf": try await Self.csrf(browser, page), "change": "Also add Hacker News top stories"])
            #expect(asked.status == .seeOther)
            let review = try await browser.get(try #require(asked.headers.first(name: .location)))
            // then the diff shows added tools, and nothing is built yet
            #expect(review.status == .ok)
            #expect(review.body.string.contains("diff-added"))
            #expect(review.body.string.contains("hacker_news"))
            #expect(try await ServerVersion.query(on: app.db).count() == 1)

            // when they build it
            let built = try await browser.postForm(try #require(asked.headers.first(name: .location)), ["csrf": try await Self.csrf(browser, page)])
            #expect(built.status == .seeOther)
            try await BuildRunner(app: app).drain()
            // then version 2 is live with the old tools and the new ones, under the same slug
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let live = try #require(try await ServerVersion.find(server.activeVersionID, on: app.db))
            #expect(live.number == 2)
            let after = try SpecJSON.decode(live.specJSON)
            #expect(after.slug == before.slug)
            #expect(Set(before.tools.map(\.name)).isSubset(of: Set(after.tools.map(\.name))))
            #expect(after.tools.count > before.tools.count)

            // the version page shows what changed; rollback makes version 1 live again
            let diff = try await browser.get(page + "/versions/2")
            #expect(diff.body.string.contains("What changed since version 1"))
            // titled with its server: every server has a "Version 2" (WCAG 2.4.2)
            #expect(HTMLInspector(html: diff.body.string).title?.hasPrefix("Version 2 · \(server.name)") == true)
            for missing in ["0", "-1", "\(Int.min)"] {
                #expect(try await browser.get(page + "/versions/" + missing).status == .notFound, "\(missing)")
                let refused = try await browser.postForm(page + "/versions/\(missing)/activate", ["csrf": try await Self.csrf(browser, page)])
                #expect(refused.status == .notFound, "\(missing)")
            }
            let rolledBack = try await browser.postForm(page + "/versions/1/activate", ["csrf": try await Self.csrf(browser, page)])
            #expect(rolledBack.status == .seeOther)
            let first = try await ServerVersion.query(on: app.db).filter(\.$server.$id == id).filter(\.$number == 1).first()
            let activeNow = try await HostedServer.find(id, on: app.db)?.activeVersionID
            #expect(activeNow == first?.id)
        }
    }

    @Test("a change drafted from a version that no longer serves is not built: it would undo what went live since", arguments: TestDatabase.all)
    func staleRevision(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given two changes drafted from version 1 (two tabs)
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser, try SpecJSON.decode(try #require(try await Self.weatherSpec(browser))))
            let page = "/servers/\(id.uuidString.lowercased())"
            let first = try await browser.postForm(page + "/iterate", ["csrf": try await Self.csrf(browser, page), "change": "Also add Hacker News top stories"])
            let second = try await browser.postForm(page + "/iterate", ["csrf": try await Self.csrf(browser, page), "change": "Add a tool that converts units"])
            let firstReview = try #require(first.headers.first(name: .location))
            let secondReview = try #require(second.headers.first(name: .location))
            // when the first is built and goes live
            #expect(try await browser.postForm(firstReview, ["csrf": try await Self.csrf(browser, page)]).status == .seeOther)
            try await BuildRunner(app: app).drain()
            // then the second's review says so and offers no Build, and its Build is refused with the change kept
            let review = try await browser.get(secondReview)
            #expect(review.body.string.contains("Drafted from an earlier version"))
            #expect(!HTMLInspector(html: review.body.string).tags("form").contains { $0.attributes["action"] == secondReview })
            let refused = try await browser.postForm(secondReview, ["csrf": try await Self.csrf(browser, page)])
            #expect(refused.status == .conflict)
            #expect(refused.body.string.contains("drafted from a version that no longer serves"))
            #expect(refused.body.string.contains("Add a tool that converts units"))
            #expect(try await ServerVersion.query(on: app.db).filter(\.$server.$id == id).count() == 2)
            // and the first one's Build sent again (a reload) lands on Overview, building nothing more
            let again = try await browser.postForm(firstReview, ["csrf": try await Self.csrf(browser, page)])
            #expect(again.status == .seeOther)
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == id).count() == 2)
        }
    }

    /// A weather server's spec, drafted by the offline catalog (which knows changes to it).
    static func weatherSpec(_ browser: BrowserSession) async throws -> String? {
        let draft = try AccountDataTests.json(try await browser.postObject("/v1/servers/preview", ["prompt": "Weather forecast for a city"]))
        guard let spec = draft["spec"] else { return nil }
        return String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
    }

    @Test("settings: a new name and allowed domains build a new version; a bad domain is explained and builds nothing", arguments: TestDatabase.all)
    func settings(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let page = "/servers/\(id.uuidString.lowercased())"
            let refused = try await browser.postForm(page + "/settings", ["csrf": try await Self.csrf(browser, page), "name": "Calc", "domains": "http://bad domain"])
            #expect(refused.status == .unprocessableEntity)
            #expect(try await Build.query(on: app.db).count() == 1)
            let saved = try await browser.postForm(page + "/settings", ["csrf": try await Self.csrf(browser, page), "name": "Calc", "domains": "api.example.com"])
            #expect(saved.status == .seeOther)
            try await BuildRunner(app: app).drain()
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let live = try SpecJSON.decode(try #require(try await ServerVersion.find(server.activeVersionID, on: app.db)).specJSON)
            #expect(live.name == "Calc")
            #expect(live.allowedDomains == ["api.example.com"])
            #expect(server.name == "Calc")
        }
    }

    @Test("a save from a page opened before another version went live, or while the last save still builds, is refused with what was typed; the same values saved from the page as it is now build",
          arguments: TestDatabase.all)
    func staleSettings(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given two tabs on Settings, both showing version 1
            let (browser, _) = try await AccountDataTests.signedIn(app)
            try await Workspaces.allowMembers(browser)  // Team: builds enough
            let id = try await Hosting.createAndBuild(browser)
            let page = "/servers/\(id.uuidString.lowercased())"
            let opened = try await browser.get(page + "/settings").body.string
            let base = try #require(HTMLInspector(html: opened).tags("input").first { $0.attributes["name"] == "base" }?.attributes["value"])
            let csrf = try await Self.csrf(browser, page)
            // when tab A renames: refused while that build runs, from either tab; fine once it is live
            let renamed = try await browser.postForm(page + "/settings", ["csrf": csrf, "base": base, "name": "Alpha", "domains": ""])
            #expect(renamed.status == .seeOther)
            // the same form sent again at once (a double click) answers as the first did, and builds nothing more
            let twice = try await browser.postForm(page + "/settings", ["csrf": csrf, "base": base, "name": "Alpha", "domains": ""])
            #expect(twice.status == .seeOther)
            #expect(twice.headers.first(name: .location) == renamed.headers.first(name: .location))
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == id).count() == 2)
            let early = try await browser.postForm(page + "/settings", ["csrf": csrf, "base": base, "name": "Calculator", "domains": "api.example.com"])
            #expect(early.status == .conflict)
            #expect(early.body.string.contains("still building") && early.body.string.contains("api.example.com"))
            try await BuildRunner(app: app).drain()
            // then tab B, still showing version 1, cannot undo the rename: its values come back with the reason
            let stale = try await browser.postForm(page + "/settings", ["csrf": csrf, "base": base, "name": "Calculator", "domains": "api.example.com"])
            #expect(stale.status == .conflict)
            #expect(stale.body.string.contains("version 2 went live after this page was opened"))
            #expect(stale.body.string.contains("api.example.com"))
            #expect(try await Build.query(on: app.db).filter(\.$server.$id == id).count() == 2)
            // the same by hand on Versions
            let handEdit = try await browser.postForm(page + "/spec", ["csrf": csrf, "base": base, "spec": SpecJSON.pretty(ServerVersionsAPITests.doubled(Hosting.calculator))])
            #expect(handEdit.status == .conflict)
            // and from the page as it is now, the domain is saved over the new name
            let fresh = try #require(HTMLInspector(html: stale.body.string).tags("input").first { $0.attributes["name"] == "base" }?.attributes["value"])
            #expect(fresh != base)
            #expect(try await browser.postForm(page + "/settings", ["csrf": csrf, "base": fresh, "name": "Alpha", "domains": "api.example.com"]).status == .seeOther)
            try await BuildRunner(app: app).drain()
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let live = try SpecJSON.decode(try #require(try await ServerVersion.find(server.activeVersionID, on: app.db)).specJSON)
            #expect(live.name == "Alpha" && live.allowedDomains == ["api.example.com"])
        }
    }

    @Test("the spec edited by hand on Versions builds the next version; broken JSON, every spec problem and no change are refused with the text kept", arguments: TestDatabase.all)
    func editByHand(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a live calculator
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let page = "/servers/\(id.uuidString.lowercased())"
            let versions = try await browser.get(page + "/versions").body.string
            let shown = try #require(HTMLInspector(html: versions).texts("textarea").last)
            #expect(try SpecJSON.decode(shown) == Hosting.calculator)
            func send(_ text: String) async throws -> TestingHTTPResponse {
                try await browser.postForm(page + "/spec", ["csrf": try await Self.csrf(browser, page), "spec": text])
            }

            // broken JSON says where; the text comes back as typed
            let broken = try await send("{\"name\": \"Calculator\",\n  tools: []}")
            #expect(broken.status == .unprocessableEntity)
            #expect(broken.body.string.contains("The spec is not valid JSON"))
            #expect(broken.body.string.contains("tools: []}</textarea>"))
            // every problem at once, each on its own line
            var bad = Hosting.calculator
            bad.tools[0].name = "Bad Name"
            bad.tools[1].implementation = "eval('1')"
            bad.allowedDomains = ["http://bad domain"]
            let problems = try await send(SpecJSON.pretty(bad))
            #expect(problems.status == .unprocessableEntity)
            let listed = HTMLInspector(html: problems.body.string).texts("li").filter { $0.hasPrefix("tools[") || $0.hasPrefix("allowedDomains") }
            #expect(listed.count >= 3, "\(listed)")
            #expect(listed.contains { $0.hasPrefix("tools[0].name") } && listed.contains { $0.hasPrefix("tools[1].implementation") })
            #expect(problems.body.string.contains(#"aria-invalid="true""#) && problems.body.string.contains(#"aria-describedby="spec-hint spec-problems""#))
            // the live spec as it is builds nothing
            let same = try await send(shown)
            #expect(same.status == .unprocessableEntity)
            #expect(same.body.string.contains("Nothing changed"))
            #expect(try await Build.query(on: app.db).count() == 1)

            // when the code is fixed by hand (the slug typed differently stays the server's)
            var fixed = Hosting.calculator
            fixed.slug = "renamed-by-hand"
            fixed.tools[0].implementation = "return { sum: args.a + args.b, by: 'hand' };"
            let built = try await send(SpecJSON.pretty(fixed))
            #expect(built.status == .seeOther)
            #expect(built.headers.first(name: .location)?.hasPrefix(page) == true)
            try await BuildRunner(app: app).drain()

            // then version 2 serves the new code under the old slug
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let live = try #require(try await ServerVersion.find(server.activeVersionID, on: app.db))
            #expect(live.number == 2)
            #expect(try SpecJSON.decode(live.specJSON).slug == "calculator")
            let csrf = try await Self.csrf(browser, page)
            let ran = try await browser.postForm(page + "/playground", ["csrf": csrf, "tool": "add", "arg_a": "2", "arg_b": "3", "arguments": ""])
            #expect(ran.body.string.contains("hand"))
            // and the form's address opened directly is its tab
            #expect(try await browser.get(page + "/spec").headers.first(name: .location) == page + "/versions")
        }
    }

    @Test("a drafted change that changes nothing offers no Build, and says what to do instead", arguments: TestDatabase.all)
    func nothingDrafted(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let page = "/servers/\(id.uuidString.lowercased())"
            // the offline drafter cannot rename a schema property of a hand-made spec
            let asked = try await browser.postForm(page + "/iterate", ["csrf": try await Self.csrf(browser, page), "change": "Rename the argument a to first"])
            let location = try #require(asked.headers.first(name: .location))
            let review = try await browser.get(location).body.string
            #expect(review.contains("Nothing changed") && review.contains("edit the spec by hand"))
            #expect(!review.contains("action=\"\(location)\""), "no Build form")
        }
    }
}
