@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Forms answered by a page (a new token's value, a Playground result) act once, however often the browser sends them
/// again: a reload of the answer made a second token or called the tool again.
@Suite("Forms sent again by a reload act once")
struct FormOnceTests {
    /// The `once` value of the form whose action is `action` on `html`.
    static func once(_ html: String, action: String) throws -> String {
        let page = HTMLInspector(html: html)
        let inputs = page.tags("input").filter { $0.attributes["name"] == "once" }
        #expect(!inputs.isEmpty, "no once field on the page")
        return try #require(inputs.first?.attributes["value"])
    }

    @Test("the Settings token form: a second send of the same page makes no second token and says where the first is",
          arguments: TestDatabase.all)
    func tokenForm(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let page = try await browser.get("/settings").body.string
            let csrf = try #require(BrowserSession.csrfField(in: page))
            let fields = ["csrf": csrf, "name": "CI", "scope": "mcp", "once": try Self.once(page, action: "/settings/tokens")]
            // a refused send (a name too long) makes nothing and does not spend the form: corrected after Back, it works
            let refused = try await browser.postForm("/settings/tokens", fields.merging(["name": String(repeating: "n", count: 81)]) { $1 })
            #expect(refused.status == .unprocessableEntity)
            #expect(try await APIToken.query(on: app.db).count() == 0)
            let first = try await browser.postForm("/settings/tokens", fields)
            #expect(first.status == .ok && first.body.string.contains("Copy your new token now"))
            // when the answer is reloaded (the same form, the same values)
            let again = try await browser.postForm("/settings/tokens", fields)
            // then
            #expect(again.status == .conflict)
            #expect(again.body.string.contains("already sent") && !again.body.string.contains("Copy your new token now"))
            #expect(try await APIToken.query(on: app.db).count() == 1)
            // and the page after the first send carries a new value, so creating another still works
            let fresh = try Self.once(first.body.string, action: "/settings/tokens")
            #expect(fresh != fields["once"])
            #expect(try await browser.postForm("/settings/tokens", fields.merging(["once": fresh]) { $1 }).status == .ok)
            #expect(try await APIToken.query(on: app.db).count() == 2)
        }
    }

    @Test("the Playground: a reload of a result does not call the tool again; Run from the result does", arguments: TestDatabase.all)
    func playground(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let base = "/servers/\(id.uuidString.lowercased())"
            let page = try await browser.get(base + "/playground?tool=add").body.string
            let csrf = try #require(BrowserSession.csrfField(in: page))
            let fields = ["csrf": csrf, "tool": "add", "arguments": #"{"a":2,"b":3}"#, "once": try Self.once(page, action: base + "/playground")]
            // arguments that are not JSON call nothing and leave the form unspent: corrected after Back, it runs
            let broken = try await browser.postForm(base + "/playground", fields.merging(["arguments": "{a:"]) { $1 })
            #expect(broken.status == .unprocessableEntity)
            let ran = try await browser.postForm(base + "/playground", fields)
            #expect(ran.status == .ok)
            // the answer opens at the result (on a phone it was below the fold, focus at the top; WCAG 2.4.3)
            let answer = HTMLInspector(html: ran.body.string)
            #expect(answer.tags("form").contains { $0.attributes["action"] == base + "/playground#playground-result" })
            #expect(answer.tags("div").contains { $0.attributes["id"] == "playground-result" && $0.attributes["tabindex"] == "-1" })
            let again = try await browser.postForm(base + "/playground", fields)
            #expect(again.status == .conflict)
            #expect(again.body.string.contains("was not called again"))
            #expect(again.body.string.contains(#"{&quot;a&quot;:2,&quot;b&quot;:3}"#) || again.body.string.contains(#"{"a":2,"b":3}"#), "the arguments are kept")
            try await app.hosting.calls.flush(on: app.db)
            #expect(try await ToolCallRecord.query(on: app.db).filter(\.$server.$id == id).count() == 1)
            let next = try Self.once(ran.body.string, action: base + "/playground")
            #expect(try await browser.postForm(base + "/playground", fields.merging(["once": next]) { $1 }).status == .ok)
            try await app.hosting.calls.flush(on: app.db)
            #expect(try await ToolCallRecord.query(on: app.db).filter(\.$server.$id == id).count() == 2)
        }
    }

    @Test("install snippets' token: a reload makes no second token", arguments: TestDatabase.all)
    func installToken(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let id = try await Hosting.createAndBuild(browser)
            let base = "/servers/\(id.uuidString.lowercased())"
            let page = try await browser.get(base).body.string
            let fields = ["csrf": try #require(BrowserSession.csrfField(in: page)), "once": try Self.once(page, action: base + "/install-token")]
            #expect(try await browser.postForm(base + "/install-token", fields).status == .ok)
            let again = try await browser.postForm(base + "/install-token", fields)
            #expect(again.status == .conflict && again.body.string.contains("no second token"))
            #expect(try await APIToken.query(on: app.db).count() == 1)
        }
    }
}
