@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Marketplace moderation: /admin/templates, its actions and their audit")
struct ModerationTests {
    typealias Fixtures = ModerationFixtures

    static func act(_ admin: Fixtures.Person, _ slug: String, _ action: AdminTemplateAction, reason: String? = nil) async throws -> TestingHTTPResponse {
        var fields = ["csrf": try await Fixtures.adminCSRF(admin)]
        if let reason { fields["reason"] = reason }
        return try await admin.browser.postForm(SiteRoute.adminTemplate(.value(slug), action).path, fields)
    }

    @Test("only platform administrators see /admin/templates or act; everyone else gets the plain 404", arguments: TestDatabase.all)
    func adminOnly(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let owner = try await Fixtures.person(app)
            let (template, _) = try await Fixtures.template(app, owner: owner)
            let visitor = BrowserSession(app)

            // when / then: signed out, signed in, the template's own owner
            #expect(try await visitor.get(SiteRoute.adminTemplates.path).status == .notFound)
            #expect(try await owner.browser.get(SiteRoute.adminTemplates.path).status == .notFound)
            for action in AdminTemplateAction.allCases {
                let tried = try await owner.browser.postForm(SiteRoute.adminTemplate(.value(template.slug), action).path,
                                                              ["csrf": owner.browser.csrfCookie ?? "", "reason": "mine now"])
                #expect(tried.status == .notFound, "\(action) answered \(tried.status)")
            }
            let unchanged = try await Fixtures.reload(app, template)
            #expect(unchanged.status == .public && !unchanged.verified && unchanged.reviewedAt == nil)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action ~~ "admin.template").count() == 0)

            // an administrator sees it, linked from /admin
            let admin = try await Fixtures.person(app, admin: true)
            let adminPage = try await admin.browser.get(SiteRoute.admin.path)
            #expect(HTMLInspector(html: adminPage.body.string).tags("a").contains { $0.attributes["href"] == SiteRoute.adminTemplates.path })
            let page = try await admin.browser.get(SiteRoute.adminTemplates.path)
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl)?.contains("no-store") == true)
            #expect(page.body.string.contains("id=\"queue-\(template.slug)\""), "a template nobody reviewed waits in the queue")

            // a form without the CSRF field is refused
            let forged = try await admin.browser.postForm(SiteRoute.adminTemplate(.value(template.slug), .verify).path, [:])
            #expect(forged.status == .forbidden)
            #expect(try await Fixtures.reload(app, template).verified == false)
        }
    }

    @Test("a taken-down template cannot be verified and loses its badge; a page number past any end is an empty page, not a crash", arguments: TestDatabase.all)
    func takedownAndPaging(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a verified template, taken down
            let owner = try await Fixtures.person(app)
            let admin = try await Fixtures.person(app, admin: true)
            let (template, _) = try await Fixtures.template(app, owner: owner)
            #expect(try await Self.act(admin, template.slug, .verify).status == .seeOther)
            #expect(try await Self.act(admin, template.slug, .takedown, reason: "Copies other people's code").status == .seeOther)
            #expect(try await Fixtures.reload(app, template).verified == false)

            // when a moderator posts Verify straight to it
            let refused = try await Self.act(admin, template.slug, .verify)

            // then
            #expect(refused.status == .conflict)
            #expect(try await Fixtures.reload(app, template).verified == false)

            // a page number whose offset would overflow (it once stopped the process)
            let far = try await admin.browser.get(SiteRoute.adminTemplates.path + "?page=400000000000000000")
            #expect(far.status == .ok)
            #expect(far.body.string.contains("Templates"))
        }
    }

    @Test("verify, unverify, hide, dismiss and takedown change the template, close reports, leave the queue and are audited", arguments: TestDatabase.all)
    func actions(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a template with an open report
            let owner = try await Fixtures.person(app)
            let reporter = try await Fixtures.person(app)
            let admin = try await Fixtures.person(app, admin: true)
            let (template, _) = try await Fixtures.template(app, owner: owner, title: "Reported tools")
            let filed = try await reporter.browser.postObject(SiteRoute.api(.templateReports(.value(template.slug))).path,
                                                              ["reason": "malicious", "text": "It posts my files <b>somewhere</b>."])
            #expect(filed.status == .created)
            let queue = try await admin.browser.get(SiteRoute.adminTemplates.path).body.string
            #expect(queue.contains(reporter.user.displayName), "the reporter's display name is listed")
            #expect(queue.contains("Malicious or harmful code"))
            #expect(queue.contains("It posts my files &lt;b&gt;somewhere&lt;/b&gt;."), "report text is escaped")

            // verify: the badge, reviewed, the report closed, out of the queue
            #expect(try await Self.act(admin, template.slug, .verify).status == .seeOther)
            var stored = try await Fixtures.reload(app, template)
            #expect(stored.verified && stored.reviewedAt != nil && stored.status == .public)
            #expect(try await TemplateReport.query(on: app.db).filter(\.$resolvedAt == nil).count() == 0)
            let after = try await admin.browser.get(SiteRoute.adminTemplates.path).body.string
            #expect(!after.contains("id=\"queue-\(template.slug)\""))
            #expect(after.contains("id=\"template-\(template.slug)\""), "every template stays in the full list")

            // unverify
            #expect(try await Self.act(admin, template.slug, .unverify).status == .seeOther)
            #expect(try await Fixtures.reload(app, template).verified == false)

            // hide: the owner's again to share; others get 404
            #expect(try await Self.act(admin, template.slug, .hide).status == .seeOther)
            stored = try await Fixtures.reload(app, template)
            #expect(stored.status == .hidden)
            await #expect(throws: APIError.self) {
                try await TemplateAccess(database: app.db, viewerOrganization: reporter.organizationID).visible(template.slug)
            }

            // dismiss-reports closes a new report
            stored.status = .public
            try await stored.save(on: app.db)
            let second = try await Fixtures.person(app)
            #expect(try await second.browser.postObject(SiteRoute.api(.templateReports(.value(template.slug))).path,
                                                        ["reason": "broken", "text": "Always times out."]).status == .created)
            #expect(try await Self.act(admin, template.slug, .dismissReports).status == .seeOther)
            #expect(try await TemplateReport.query(on: app.db).filter(\.$resolvedAt == nil).count() == 0)
            #expect(try await TemplateReport.query(on: app.db).count() == 2, "reports are kept, closed")

            // takedown needs a reason
            let noReason = try await Self.act(admin, template.slug, .takedown, reason: "   ")
            #expect(noReason.status == .unprocessableEntity)
            #expect(noReason.body.string.contains("Give a reason"))
            #expect(try await Fixtures.reload(app, template).status == .public)
            let tooLong = try await Self.act(admin, template.slug, .takedown, reason: String(repeating: "x", count: ModerationService.maxReasonLength + 1))
            #expect(tooLong.status == .unprocessableEntity)

            #expect(try await Self.act(admin, template.slug, .takedown, reason: "Sends secrets to a third party").status == .seeOther)
            stored = try await Fixtures.reload(app, template)
            #expect(stored.status == .takedown)
            #expect(stored.takedownReason == "Sends secrets to a third party")
            #expect(stored.takenDownAt != nil)

            // the template answers 410 to everyone, its owner included
            for viewer in [owner.organizationID, reporter.organizationID, nil] as [UUID?] {
                do {
                    _ = try await TemplateAccess(database: app.db, viewerOrganization: viewer).visible(template.slug)
                    Issue.record("a taken-down template was visible")
                } catch let error as APIError {
                    #expect(error.status == .gone && error.code == TemplateTakedown.code)
                }
            }
            // hiding a taken-down template cannot undo it
            #expect(try await Self.act(admin, template.slug, .hide).status == .conflict)
            #expect(try await Fixtures.reload(app, template).status == .takedown)

            // every action is audited in the platform's log by the admin, and in the owner's workspace as the
            // platform's doing (no administrator's name, address or browser); the takedown with its reason
            let all = try await AuditEvent.query(on: app.db).filter(\.$action ~~ "admin.template.").sort(\.$createdAt).all()
            let events = all.filter { $0.organizationID == nil }
            let told = all.filter { $0.organizationID == owner.organizationID }
            #expect(Set(events.map(\.action)) == ["admin.template.verify", "admin.template.unverify", "admin.template.hide",
                                                  "admin.template.dismiss_reports", "admin.template.takedown"])
            #expect(events.allSatisfy { $0.actorUserID == admin.user.id && $0.resourceID == template.id?.uuidString })
            #expect(told.map(\.action) == events.map(\.action))
            #expect(told.allSatisfy { $0.actorUserID == nil && $0.ip == nil && $0.userAgent == nil && $0.resourceID == template.id?.uuidString })
            let takedown = try #require(events.first { $0.action == "admin.template.takedown" })
            #expect(takedown.metadata.contains("Sends secrets to a third party"))
            #expect(events.first { $0.action == "admin.template.verify" }?.metadata.contains("\"reports_closed\":\"1\"") == true)

            // the owner reads it in their audit log
            let log = try await owner.browser.get(SiteRoute.api(.audit).path)
            #expect(log.status == .ok)
            #expect(log.body.string.contains("admin.template.takedown"))
            #expect(log.body.string.contains("Sends secrets to a third party"))
            #expect(try await owner.browser.get(SiteRoute.audit.path).body.string.contains("admin.template.takedown"))
        }
    }

    @Test("a moderator can restore a takedown: back to the owner, hidden, and the forks run again", arguments: TestDatabase.all)
    func restore(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await Fixtures.person(app)
            let admin = try await Fixtures.person(app, admin: true)
            let (template, _) = try await Fixtures.template(app, owner: owner)
            #expect(try await Self.act(admin, template.slug, .restore).status == .conflict, "only a takedown can be restored")
            #expect(try await Self.act(admin, template.slug, .takedown, reason: "Mistake").status == .seeOther)

            #expect(try await Self.act(admin, template.slug, .restore).status == .seeOther)
            let stored = try await Fixtures.reload(app, template)
            #expect(stored.status == .hidden && stored.takedownReason == nil && stored.takenDownAt == nil)
            #expect(try await TemplateAccess(database: app.db, viewerOrganization: owner.organizationID).owned(template.slug).id == template.id)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "admin.template.restore").count() == 2, "the platform's and the workspace's")
        }
    }

    @Test("the full list is searchable and paginated; unknown slugs are 404", arguments: TestDatabase.all)
    func listAndSearch(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let owner = try await Fixtures.person(app)
            let admin = try await Fixtures.person(app, admin: true)
            for index in 0..<(ModerationPageQuery.pageSize + 2) {
                try await Fixtures.template(app, owner: owner, slug: "bulk-\(index)", title: "Bulk template \(index)", reviewed: true)
            }
            try await Fixtures.template(app, owner: owner, slug: "needle-finder", title: "Needle finder", reviewed: true)

            let first = try await admin.browser.get(SiteRoute.adminTemplates.path).body.string
            #expect(first.contains("All templates (\(ModerationPageQuery.pageSize + 3))"))
            #expect(first.contains("Nothing waits for review."), "reviewed templates without reports are not queued")
            let articles = HTMLInspector(html: first).tags("article").filter { $0.attributes["id"]?.hasPrefix("template-") == true }
            #expect(articles.count == ModerationPageQuery.pageSize)
            let next = try #require(HTMLInspector(html: first).tags("a").first { $0.attributes["rel"] == "next" }?.attributes["href"])
            let second = try await admin.browser.get(next).body.string
            #expect(HTMLInspector(html: second).tags("article").filter { $0.attributes["id"]?.hasPrefix("template-") == true }.count == 3)

            let found = try await admin.browser.get(SiteRoute.adminTemplates.path(QueryString([("q", "Needle")]))).body.string
            #expect(found.contains("id=\"template-needle-finder\""))
            #expect(!found.contains("id=\"template-bulk-1\""))
            #expect(found.contains("All templates (1)"))
            // literal and ignoring case on both databases: `%` and `_` are not wildcards, "NEEDLE" finds "Needle"
            let upper = try await admin.browser.get(SiteRoute.adminTemplates.path(QueryString([("q", "NEEDLE")]))).body.string
            #expect(upper.contains("All templates (1)"))
            for wildcard in ["%", "_"] {
                let literal = try await admin.browser.get(SiteRoute.adminTemplates.path(QueryString([("q", wildcard)]))).body.string
                #expect(literal.contains("All templates (0)"), "\(wildcard) matched as a wildcard")
            }

            #expect(try await Self.act(admin, "no-such-template", .verify).status == .notFound)
        }
    }
}
