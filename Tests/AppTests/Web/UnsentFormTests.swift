@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("A form that was not acted on comes back with what was typed in it, to send again")
struct UnsentFormTests {
    @Test("a hand-edited spec sent after the session ended: a page with the text and no secret; sent again once signed in, it builds",
          arguments: TestDatabase.all)
    func specAfterSignOut(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, email) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(browser)
            let versions = SiteRoute.server(.value(server), .versions).path
            let page = try await browser.get(versions).body.string
            let csrf = try #require(BrowserSession.csrfField(in: page))
            let base = try #require(HTMLInspector(html: page).tags("input").first { $0.attributes["name"] == "base" }?.attributes["value"])
            var edited = Hosting.calculator
            edited.description = "Adds numbers, <carefully> & \"exactly\"."
            let typed = "\n" + SpecJSON.pretty(edited)
            // when the session ends (signed out on another device) and the spec editor's form is sent
            try await Session.query(on: app.db).delete()
            let sent = try await browser.send(.POST, SiteRoute.server(.value(server), .spec).path, headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Referer": app.publicSite.baseURL + versions,
            ], body: ByteBuffer(string: Self.encode([("csrf", csrf), ("base", base), ("spec", typed), ("secret_0_value", "typed-secret-7f3a")])))

            // (a page whose script kept the edits in the browser, as the wizard's does, goes to sign-in and back instead)
            let kept = try await browser.send(.POST, SiteRoute.server(.value(server), .spec).path, headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Referer": app.publicSite.baseURL + versions,
            ], body: ByteBuffer(string: Self.encode([("csrf", csrf), ("spec", typed), ("kept_in_browser", "1")])))
            #expect(kept.status == .seeOther)
            #expect(kept.headers.first(name: .location) == "/login?" + QueryString([("next", versions)]).text)

            // then nothing is built, and the page holds the text as typed, without the secret value
            #expect(sent.status == .unauthorized)
            let answer = sent.body.string
            #expect(HTMLInspector(html: answer).texts("h1") == ["You were signed out"])
            #expect(!answer.contains("typed-secret-7f3a"))
            #expect(answer.contains("Secret values are never shown back"))
            let signIn = try #require(HTMLInspector(html: answer).tags("a").first { $0.attributes["href"] == "/login?" + QueryString([("next", versions)]).text })
            #expect(signIn.attributes["target"] == "_blank")
            let form = Self.shownBack(answer)
            #expect(form.action == SiteRoute.server(.value(server), .spec).path)
            #expect(form.fields["spec"] == typed)
            #expect(form.fields["base"] == base)
            #expect(form.fields["secret_0_value"] == nil)
            #expect(try await Build.query(on: app.db).count() == 1)

            // when the person signs in again (in another tab) and sends it again
            _ = try await AccountsTests.signInByEmail(browser, email: email)
            let again = try await browser.send(.POST, try #require(form.action), headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                               body: ByteBuffer(string: Self.encode(form.fields.sorted { $0.key < $1.key })))
            // then it is built as typed
            #expect(again.status == .seeOther, "\(again.body.string)")
            try await BuildRunner(app: app).drain()
            let live = try AccountDataTests.json(try await browser.get("/v1/servers/\(server)"))
            #expect(live["description"] as? String == edited.description)
        }
    }

    @Test("a form sent to a server deleted meanwhile (another tab): says so, with the text to copy and no button to send it again",
          arguments: TestDatabase.all)
    func serverDeleted(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let server = try await Hosting.createAndBuild(browser)
            let versions = SiteRoute.server(.value(server), .versions).path
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get(versions).body.string))
            let typed = "\n" + SpecJSON.pretty(Hosting.calculator)
            #expect(try await browser.send(.DELETE, "/v1/servers/\(server)", headers: ["X-CSRF-Token": csrf]).status == .noContent)
            // when the spec editor's form, still open, is sent
            let sent = try await browser.send(.POST, SiteRoute.server(.value(server), .spec).path, headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Referer": app.publicSite.baseURL + versions,
            ], body: ByteBuffer(string: Self.encode([("csrf", csrf), ("spec", typed)])))
            // then
            #expect(sent.status == .notFound)
            let page = HTMLInspector(html: sent.body.string)
            #expect(page.texts("h1") == ["This server no longer exists"])
            #expect(page.tags("textarea").contains { $0.attributes["name"] == "spec" })
            #expect(sent.body.string.contains("Nothing was saved"))
            #expect(!sent.body.string.contains("Send it again"))
            #expect(page.tags("a").contains { $0.attributes["href"] == SiteRoute.servers.path })
        }
    }

    @Test("a form whose token no longer matches comes back to send again with a fresh token; a Referer from elsewhere gets none")
    func expiredToken() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let browser = BrowserSession(app)
            _ = try await browser.get("/login")
            let typed = "someone@example.com"
            let stale = try await browser.send(.POST, "/login/email", headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Origin": app.config.publicURL,
            ], body: ByteBuffer(string: Self.encode([("email", typed), ("next", "/servers"), ("csrf", "from-another-browser")])))
            #expect(stale.status == .forbidden)
            #expect(try await outboxMessages(app).isEmpty)
            let form = Self.shownBack(stale.body.string)
            #expect(form.action == "/login/email")
            #expect(form.fields == ["email": typed, "next": "/servers", "csrf": try #require(browser.csrfCookie)])

            let again = try await browser.send(.POST, "/login/email", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                               body: ByteBuffer(string: Self.encode(form.fields.sorted { $0.key < $1.key })))
            #expect(again.status == .seeOther, "\(again.body.string)")
            #expect(try await outboxMessages(app).count == 1)

            // a Referer from another site, or none at all: the plain page, with nothing to send
            for headers: HTTPHeaders in [["Referer": "https://evil.example/login"], [:]] {
                var all = headers
                all.add(name: .contentType, value: "application/x-www-form-urlencoded")
                let refused = try await browser.send(.POST, "/login/email", headers: all, body: ByteBuffer(string: "email=x%40example.com&csrf=forged"))
                #expect(refused.status == .forbidden)
                #expect(Self.shownBack(refused.body.string).action == nil)
            }
        }
    }

    @Test("form bodies decode as browsers encode them; secret values are told apart from a wizard row's other fields")
    func fields() {
        #expect(FormBody.pairs("a=1+2&b=%E2%9C%93%0D%0A&c&=x&a=%2B").map { [$0.0, $0.1] } == [["a", "1 2"], ["b", "✓\r\n"], ["c", ""], ["", "x"], ["a", "+"]])
        for secret in ["value", "token", "code", "secret_0_value", "secret_GITHUB_TOKEN", "secret_API_KEY", "secret_12_password"] {
            #expect(UnsentForm.isSecret(secret), "\(secret)")
        }
        for kept in ["secret_count", "secret_0_key", "secret_3_description", "secret_1_url", "secret_0_sealed", "sealed_API_KEY", "spec", "name"] {
            #expect(!UnsentForm.isSecret(kept), "\(kept)")
        }
        #expect(UnsentForm.label("tool_0_schema") == "Tool 0 schema")
    }

    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~"))!
    }

    /// The page's "send it again" form: its action and each field's value as a browser would send it.
    static func shownBack(_ html: String) -> (action: String?, fields: [String: String]) {
        guard let start = html.range(of: #"<form class="form unsent-form""#),
              let end = html.range(of: "</form>", range: start.upperBound..<html.endIndex) else { return (nil, [:]) }
        let form = String(html[start.lowerBound..<end.upperBound])
        let inspector = HTMLInspector(html: form)
        var fields: [String: String] = [:]
        for input in inspector.tags("input") {
            if let name = input.attributes["name"] { fields[name] = input.attributes["value"] ?? "" }
        }
        let boxes = try! NSRegularExpression(pattern: #"<textarea\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</textarea>"#, options: [.dotMatchesLineSeparators])
        let ns = form as NSString
        for match in boxes.matches(in: form, range: NSRange(location: 0, length: ns.length)) {
            var text = HTMLInspector.decode(ns.substring(with: match.range(at: 2)))
            // The HTML parser drops one newline right after <textarea>.
            if text.hasPrefix("\n") { text.removeFirst() }
            fields[HTMLInspector.decode(ns.substring(with: match.range(at: 1)))] = text
        }
        return (inspector.tags("form").first?.attributes["action"], fields)
    }
}
