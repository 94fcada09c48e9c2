@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Marketplace reports: one per person and template, validated, never one's own")
struct TemplateReportTests {
    typealias Fixtures = ModerationFixtures

    static func report(_ person: Fixtures.Person, _ slug: String, _ body: [String: String]) async throws -> TestingHTTPResponse {
        try await person.browser.postObject(SiteRoute.api(.templateReports(.value(slug))).path, body)
    }

    static func code(_ response: TestingHTTPResponse) throws -> String? {
        try AccountDataTests.json(response)["error"] as? String
    }

    @Test("the API files a report once (409 the second time, also under a race), validates it and audits it", arguments: TestDatabase.all)
    func api(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let owner = try await Fixtures.person(app)
            let reporter = try await Fixtures.person(app)
            let (template, _) = try await Fixtures.template(app, owner: owner)

            // invalid input, nothing stored; a body that is not JSON says so
            let garbled = try await reporter.browser.send(.POST, SiteRoute.api(.templateReports(.value(template.slug))).path,
                                                          headers: ["Content-Type": "application/json", "X-CSRF-Token": reporter.browser.csrfCookie ?? ""],
                                                          body: ByteBuffer(string: #"{"reason": "#))
            #expect(garbled.status == .badRequest)
            #expect(try Self.code(garbled) == "bad_request")
            #expect(try Self.code(try await Self.report(reporter, template.slug, ["reason": "ugly", "text": "x"])) == "invalid_reason")
            #expect(try Self.code(try await Self.report(reporter, template.slug, ["text": "x"])) == "invalid_reason")
            let blank = try await Self.report(reporter, template.slug, ["reason": "spam", "text": " \n "])
            #expect(blank.status == .unprocessableEntity)
            #expect(try Self.code(blank) == "report_text_required")
            let long = try await Self.report(reporter, template.slug, ["reason": "spam", "text": String(repeating: "a", count: TemplateReportService.maxTextLength + 1)])
            #expect(try Self.code(long) == "report_text_too_long")
            #expect(try await TemplateReport.query(on: app.db).count() == 0)

            // when
            let filed = try await Self.report(reporter, template.slug, ["reason": "secrets", "text": "  Line 3 holds a key.  "])

            // then
            #expect(filed.status == .created)
            let body = try AccountDataTests.json(filed)
            #expect(body["template"] as? String == template.slug)
            #expect(body["reason"] as? String == "secrets")
            let stored = try #require(try await TemplateReport.query(on: app.db).first())
            #expect(stored.text == "Line 3 holds a key.")
            #expect(stored.$reporter.id == reporter.user.id && stored.resolvedAt == nil)
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "template.report").first())
            #expect(event.actorUserID == reporter.user.id && !event.metadata.contains("Line 3"), "the text stays out of the audit log")

            let again = try await Self.report(reporter, template.slug, ["reason": "spam", "text": "Once more."])
            #expect(again.status == .conflict)
            #expect(try Self.code(again) == "already_reported")

            // a race of two first reports: the unique index lets exactly one through
            let racer = try await Fixtures.person(app)
            let outcomes = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<2 {
                    group.addTask { try await Self.report(racer, template.slug, ["reason": "spam", "text": "Race."]).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            #expect(outcomes.sorted { $0.code < $1.code } == [.created, .conflict])
            #expect(try await TemplateReport.query(on: app.db).filter(\.$reporter.$id == racer.user.id!).count() == 1)

            // signed out: 401
            let anonymous = BrowserSession(app)
            #expect(try await anonymous.postObject(SiteRoute.api(.templateReports(.value(template.slug))).path,
                                                   ["reason": "spam", "text": "x"]).status == .unauthorized)
        }
    }

    @Test("owners cannot report their own template; hidden and draft ones are 404, a takedown 410, an unknown slug 404", arguments: TestDatabase.all)
    func whatCanBeReported(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await Fixtures.person(app)
            let other = try await Fixtures.person(app)
            let (mine, _) = try await Fixtures.template(app, owner: owner)
            let (hidden, _) = try await Fixtures.template(app, owner: owner, status: .hidden)
            let (draft, _) = try await Fixtures.template(app, owner: owner, status: .draft)
            let (gone, _) = try await Fixtures.template(app, owner: owner, status: .takedown)
            let valid = ["reason": "spam", "text": "Looks like spam."]

            let own = try await Self.report(owner, mine.slug, valid)
            #expect(own.status == .forbidden)
            #expect(try Self.code(own) == "own_template")
            #expect(try Self.code(try await Self.report(owner, hidden.slug, valid)) == "own_template")
            for slug in [hidden.slug, draft.slug, "no-such-template"] {
                let answer = try await Self.report(other, slug, valid)
                #expect(answer.status == .notFound)
                #expect(try Self.code(answer) == "template_not_found")
            }
            let taken = try await Self.report(other, gone.slug, valid)
            #expect(taken.status == .gone)
            #expect(try Self.code(taken) == "template_taken_down")
            #expect(try await TemplateReport.query(on: app.db).count() == 0)
        }
    }

    @Test("reports are rate-limited per person", arguments: TestDatabase.all)
    func rateLimited(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await Fixtures.person(app)
            let reporter = try await Fixtures.person(app)
            let limit = app.config.rateLimits.templateReportsPerUser.limit
            var last: TestingHTTPResponse?
            for _ in 0...limit {
                let (template, _) = try await Fixtures.template(app, owner: owner)
                last = try await Self.report(reporter, template.slug, ["reason": "spam", "text": "Spam again."])
            }
            #expect(last?.status == .tooManyRequests)
            #expect(try await TemplateReport.query(on: app.db).count() == limit)
        }
    }

    @Test("the report form: sign in and back, CSRF, errors keep the text, a thank-you, then a note instead of the form", arguments: TestDatabase.all)
    func form(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await Fixtures.person(app)
            let (template, _) = try await Fixtures.template(app, owner: owner, title: "Form <target>")
            let path = SiteRoute.template(.value(template.slug), .report).path

            // signed out: to sign-in, then back here
            let visitor = BrowserSession(app)
            let redirected = try await visitor.get(path)
            #expect(redirected.status == .seeOther)
            let location = try #require(redirected.headers.first(name: .location))
            #expect(location == SiteRoute.login.path(QueryString([("next", path)])))
            // a form post without a session or token is refused before anything else
            #expect(try await BrowserSession(app).postForm(path, ["reason": "spam", "text": "x"]).status == .forbidden)
            #expect(try await TemplateReport.query(on: app.db).count() == 0)

            let reporter = try await Fixtures.person(app)
            let page = try await reporter.browser.get(path)
            #expect(page.status == .ok)
            let html = page.body.string
            #expect(html.contains("Form &lt;target&gt;"))
            let options = HTMLInspector(html: html).tags("option").compactMap { $0.attributes["value"] }
            #expect(options == TemplateReport.Reason.allCases.map(\.rawValue))
            let csrf = try #require(BrowserSession.csrfField(in: html))

            #expect(try await reporter.browser.postForm(path, ["reason": "spam", "text": "No token."]).status == .forbidden)
            let invalid = try await reporter.browser.postForm(path, ["reason": "broken", "text": "   ", "csrf": csrf])
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("id=\"report-error\""))
            // the field in error is marked, tied to the message and focused (WCAG 3.3.1)
            let field = try #require(HTMLInspector(html: invalid.body.string).tags("textarea").first { $0.attributes["id"] == "report-text" })
            #expect(field.attributes["aria-invalid"] == "true" && field.attributes["aria-describedby"] == "report-error report-hint")
            #expect(field.attributes["autofocus"] != nil)

            let sent = try await reporter.browser.postForm(path, ["reason": "broken", "text": "The add tool returns a string.", "csrf": csrf])
            #expect(sent.status == .seeOther)
            let thanks = try await reporter.browser.get(try #require(sent.headers.first(name: .location)))
            #expect(thanks.body.string.contains("Thank you"))
            #expect(!thanks.body.string.contains("id=\"report-form\""))
            let report = try #require(try await TemplateReport.query(on: app.db).first())
            #expect(report.reason == .broken && report.text == "The add tool returns a string.")

            let later = try await reporter.browser.get(path).body.string
            #expect(later.contains("You reported this template on"))
            let twice = try await reporter.browser.postForm(path, ["reason": "broken", "text": "Again.", "csrf": csrf])
            #expect(twice.status == .conflict)
            #expect(twice.body.string.contains("You reported this template on"))

            #expect(try await owner.browser.get(path).status == .forbidden, "the owner's own template has no report form")
        }
    }
}
