@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Templates, their versions and forks written straight into the database: publishing
/// and forking have flows of their own, tested where they are built.
enum ModerationFixtures {
    struct Person {
        let browser: BrowserSession
        let email: String
        let user: User
        let organizationID: UUID
    }

    static func person(_ app: Application, admin: Bool = false) async throws -> Person {
        let (browser, email) = try await AccountDataTests.signedIn(app)
        let user = try await Workspaces.user(app, email)
        if admin {
            user.isAdmin = true
            try await user.save(on: app.db)
        }
        return Person(browser: browser, email: email, user: user, organizationID: try await Workspaces.organizationID(browser))
    }

    /// A template of `owner`'s workspace with one version holding `spec`.
    @discardableResult
    static func template(_ app: Application, owner: Person, slug: String = "tmpl-" + UUID().uuidString.prefix(8).lowercased(),
                         title: String = "Weather lookups", status: Template.Status = .public, spec: ServerSpec = Hosting.calculator,
                         sourceServer: UUID? = nil, reviewed: Bool = false) async throws -> (Template, TemplateVersion) {
        let now = Date()
        let template = Template()
        template.id = UUID()
        template.slug = slug
        template.$organization.id = owner.organizationID
        template.$author.id = owner.user.id
        template.sourceServerID = sourceServer
        template.title = title
        template.category = .productivity
        template.summary = "Looks things up."
        template.descriptionMarkdown = "Looks **things** up."
        template.secretHintsJSON = "{}"
        template.status = status
        template.verified = false
        template.reviewedAt = reviewed ? now : nil
        template.forks = 0
        template.latestVersion = 1
        template.toolNames = spec.tools.map(\.name).joined(separator: " ")
        template.createdAt = now
        template.updatedAt = now
        try await template.create(on: app.db)
        let version = TemplateVersion()
        version.id = UUID()
        version.$template.id = template.id!
        version.number = 1
        version.specJSON = SpecJSON.encode(spec)
        version.createdAt = now
        try await version.create(on: app.db)
        return (template, version)
    }

    /// Makes `server` a fork of `template`'s `version`, as forking does.
    static func attach(_ app: Application, server: UUID, to template: Template, _ version: TemplateVersion) async throws {
        let row = try #require(try await HostedServer.find(server, on: app.db))
        row.templateID = template.id
        row.templateVersionID = version.id
        try await row.save(on: app.db)
    }

    static func reload(_ app: Application, _ template: Template) async throws -> Template {
        try #require(try await Template.find(template.id, on: app.db))
    }

    /// The `csrf` field of `/admin/templates`, as the admin's browser sees it.
    static func adminCSRF(_ admin: Person) async throws -> String {
        let page = try await admin.browser.get(SiteRoute.adminTemplates.path)
        return try #require(BrowserSession.csrfField(in: page.body.string) ?? admin.browser.csrfCookie)
    }
}
