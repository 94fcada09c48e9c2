@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// Servers to publish and the steps the publishing tests share.
enum Publishing {
    static let secretKey = "WEATHER_KEY"

    static let weather = ServerSpec(
        name: "Weather", slug: "weather", description: "Forecasts for any city.",
        tools: [
            Hosting.tool("forecast", "return { city: args.city, sky: 'sunny', key: ctx.secrets.WEATHER_KEY.length };", schema: [
                "type": "object", "properties": ["city": ["type": "string"]], "required": ["city"],
            ]),
        ],
        requiredSecrets: [RequiredSecret(key: secretKey, description: "An API key for the weather service",
                                         howToGetUrl: "https://weather.example.com/keys")]
    )

    /// A GitHub-token-shaped string, built at run time so no key-shaped literal sits in the source.
    static let tokenShaped = "ghp_" + String(repeating: "a1B2", count: 9)

    /// Creates `spec` (under a slug of its own, so one workspace can have several) with
    /// `secret` as its secret value and runs its build; returns its id.
    static func serverWithSecret(_ browser: BrowserSession, _ spec: ServerSpec = weather, secret: String = "s3cret-weather-value",
                                 build: Bool = true) async throws -> UUID {
        var spec = spec
        spec.slug += "-" + UUID().uuidString.prefix(8).lowercased()
        let response = try await browser.postObject("/v1/servers", [
            "spec": try ServersAPITests.specObject(spec), "secrets": [secretKey: secret],
        ])
        let id = (try AccountDataTests.json(response)["id"] as? String).flatMap { UUID(uuidString: $0) }
        guard response.status == .created, let id else {
            throw Abort(.internalServerError, reason: "creation failed: \(response.body.string)")
        }
        if build { try await BuildRunner(app: browser.app).drain() }
        return id
    }

    /// Moves the browser's workspace to the Team plan: room for more servers and builds than Hobby's.
    static func upgrade(_ browser: BrowserSession) async throws {
        let organization = try #require(try await Organization.find(try await Workspaces.organizationID(browser), on: browser.app.db))
        organization.planOverride = PlanID.team.rawValue
        try await organization.save(on: browser.app.db)
    }

    static func publish(_ browser: BrowserSession, _ id: UUID, title: String = "Weather forecasts",
                        _ extra: [String: Any] = [:]) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["serverId": id.uuidString, "title": title, "category": "data", "summary": "Forecasts for any city."]
        body.merge(extra) { _, new in new }
        return try await browser.postObject("/v1/templates", body)
    }

    /// Rewrites the live version's spec in place, as if it had been built before a scanner rule existed.
    static func rewriteLiveSpec(_ app: Application, _ id: UUID, _ change: (inout ServerSpec) -> Void) async throws {
        let server = try #require(try await HostedServer.find(id, on: app.db))
        let version = try #require(try await ServerVersion.find(server.activeVersionID, on: app.db))
        var spec = try SpecJSON.decode(version.specJSON)
        change(&spec)
        version.specJSON = SpecJSON.encode(spec)
        try await version.save(on: app.db)
    }

    static func auditActions(_ app: Application, prefix: String = "template.") async throws -> [String] {
        try await AuditEvent.query(on: app.db).filter(\.$action =~ prefix).sort(\.$createdAt).all().map(\.action)
    }

    static func template(_ app: Application, _ slug: String) async throws -> Template {
        try #require(try await Template.query(on: app.db).filter(\.$slug == slug).first())
    }
}
