@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Audit page")
struct AuditPageTests {
    @Test("lists this workspace's events with pills, escapes what people typed, filters and pages", arguments: TestDatabase.all)
    func auditPage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (alice, _) = try await AccountDataTests.signedIn(app)
            let (bob, _) = try await AccountDataTests.signedIn(app)
            for index in 0..<3 {
                _ = try await alice.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": alice.csrfCookie ?? ""],
                                         body: ByteBuffer(string: #"{"name":"<script>alert(\#(index))</script>"}"#))
            }
            _ = try await bob.send(.POST, "/v1/tokens", headers: ["Content-Type": "application/json", "X-CSRF-Token": bob.csrfCookie ?? ""],
                                   body: ByteBuffer(string: #"{"name":"bobs-secret-project"}"#))

            let page = try await alice.get("/audit")
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
            let html = page.body.string
            #expect(html.contains("pill pill-ok\">token.created"))
            #expect(html.contains("auth.signed_in"))
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;script&gt;alert"))
            #expect(!html.contains("bobs-secret-project"))
            #expect(HTMLInspector(html: html).h1Count == 1)

            let filtered = try await alice.get("/audit?action=token.created&limit=2")
            let rows = filtered.body.string.components(separatedBy: "<span class=\"pill").count - 1
            #expect(rows == 2)
            let next = try #require(HTMLInspector(html: filtered.body.string).tags("a").first { $0.attributes["href"]?.contains("cursor=") == true }?.attributes["href"])
            #expect(next.contains("action=token.created"))
            let second = try await alice.get(next)
            #expect(second.body.string.components(separatedBy: "<span class=\"pill").count - 1 == 1)

            #expect(try await alice.get("/audit?from=2999-01-01").body.string.contains("No events"))
            #expect(try await alice.get("/audit?from=yesterday").status == .badRequest)
            #expect(try await alice.get("/audit?from=2999-01-01T00:00:00.123Z").body.string.contains("No events"), "fractional seconds are a time too")
            #expect(try await BrowserSession(app).get("/audit").status == .seeOther)
        }
    }

    @Test("the action filter offers every action the app records (each `area.verb` literal in Sources/App)")
    func filterKnowsEveryAction() throws {
        // given: the audit areas; a literal such as "billing.suspended" in the sources is an action
        let action = try Regex(#""((access|account|admin|auth|billing|invitation|member|oauth|org|server|template|token)\.[a-z_.]+)""#)
        let root = packageRoot + "/Sources/App"
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") && !$0.hasSuffix("AuditPage+Model.swift") }
        // when
        var recorded: Set<String> = []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for match in text.matches(of: action) {
                let name = String(text[match.range].dropFirst().dropLast())
                if name != "server.json" { recorded.insert(name) }  // the registry file's name, not an action
            }
        }
        // then
        #expect(recorded.count > 40)
        let offered = Set(AuditView.knownActions.map(\.value))
        #expect(recorded.subtracting(offered).isEmpty, "missing from the filter: \(recorded.subtracting(offered).sorted())")
    }
}
