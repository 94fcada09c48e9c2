@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Marketplace rows written directly, so the fork tests do not depend on publishing.
enum ForkFixtures {
    static let weather = ServerSpec(
        name: "Weather", slug: "weather", description: "Forecasts for any city.",
        tools: [
            ToolSpec(name: "forecast", description: "Tomorrow's weather in a city.",
                     inputSchema: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]],
                     implementation: "return 'Sunny in ' + args.city + (ctx.secrets.WEATHER_KEY ? ' (keyed)' : ' (no key)');"),
        ],
        requiredSecrets: [RequiredSecret(key: "WEATHER_KEY", description: "An API key", howToGetUrl: "https://weather.example.com/keys")]
    )

    /// Version 2: changed code and a new required secret.
    static var weatherV2: ServerSpec {
        var spec = weather
        spec.tools[0].implementation = "return 'Sunny and warm in ' + args.city + (ctx.secrets.UNITS_KEY ? ' (units)' : '');"
        spec.tools[0].description = "Tomorrow's weather in a city, with temperatures."
        spec.requiredSecrets.append(RequiredSecret(key: "UNITS_KEY", description: "A units service key"))
        return spec
    }

    struct Owner {
        let browser: BrowserSession
        let organization: UUID
        let user: User
    }

    static func owner(_ app: Application) async throws -> Owner {
        let (browser, email) = try await AccountDataTests.signedIn(app)
        return Owner(browser: browser, organization: try await Workspaces.organizationID(browser), user: try await Workspaces.user(app, email))
    }

    @discardableResult
    static func template(_ app: Application, _ owner: Owner, slug: String = "weather", title: String = "Weather",
                         spec: ServerSpec = weather, status: Template.Status = .public) async throws -> Template {
        let now = app.clock.now()
        let template = Template()
        template.id = UUID()
        template.slug = slug
        template.$organization.id = owner.organization
        template.$author.id = owner.user.id
        template.title = title
        template.category = .data
        template.summary = "Forecasts."
        template.descriptionMarkdown = "Forecasts for **any** city."
        template.secretHintsJSON = SpecJSON.compact(["WEATHER_KEY": SecretHint(description: "Your Weather Inc. API key", howToGetURL: "https://weather.example.com/signup")])
        template.status = status
        template.verified = false
        template.forks = 0
        template.latestVersion = 0
        template.toolNames = spec.tools.map(\.name).joined(separator: " ")
        template.createdAt = now
        template.updatedAt = now
        try await template.create(on: app.db)
        try await addVersion(app, template, spec: spec)
        return template
    }

    /// Inserts the next version and makes it the template's latest.
    @discardableResult
    static func addVersion(_ app: Application, _ template: Template, spec: ServerSpec) async throws -> TemplateVersion {
        let version = TemplateVersion()
        version.id = UUID()
        version.$template.id = template.id!
        version.number = template.latestVersion + 1
        version.specJSON = SpecJSON.encode(spec)
        version.createdAt = app.clock.now()
        try await version.create(on: app.db)
        template.latestVersion = version.number
        try await template.save(on: app.db)
        return version
    }

    static func setStatus(_ app: Application, _ template: Template, _ status: Template.Status) async throws {
        let stored = try #require(try await Template.find(template.id, on: app.db))
        stored.status = status
        if status == .takedown { stored.takedownReason = "Malware" }
        try await stored.save(on: app.db)
    }

    static func forks(_ app: Application, _ template: Template) async throws -> Int {
        try #require(try await Template.find(template.id, on: app.db)).forks
    }

    /// A fork reference for `browser`'s user, over the API.
    static func reference(_ browser: BrowserSession, _ slug: String = "weather") async throws -> String {
        let response = try await browser.postObject("/v1/templates/\(slug)/fork", [:] as [String: String])
        return try #require(try AccountDataTests.json(response)["forkRef"] as? String, "\(response.status): \(response.body.string)")
    }

    static func fork(_ browser: BrowserSession, ref: String, _ extra: [String: Any] = [:]) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["forkRef": ref]
        body.merge(extra) { _, new in new }
        return try await browser.postObject("/v1/servers", body)
    }

    static func error(_ response: TestingHTTPResponse) throws -> String? {
        try AccountDataTests.json(response)["error"] as? String
    }
}
