@testable import App
import Core
import Fluent
import Foundation
import Vapor

/// Templates written straight into the database: the discovery tests need fixed data
/// (ages, forks, statuses), not the publishing flow.
enum MarketplaceFixtures {
    static func workspace(_ app: Application, name: String = "Author") async throws -> (Organization, User) {
        let organization = Organization(name: name + "'s workspace", plan: .hobby)
        try await organization.create(on: app.db)
        let user = User(email: "\(UUID().uuidString.lowercased())@example.com", phone: nil, displayName: name)
        try await user.create(on: app.db)
        return (organization, user)
    }

    static func spec(tools: [String] = ["look_up"], secrets: [RequiredSecret] = []) -> ServerSpec {
        ServerSpec(name: "Fixture", slug: "fixture", description: "A fixture server.", tools: tools.map {
            ToolSpec(name: $0, description: "Does \($0).", inputSchema: ["type": "object", "properties": ["city": ["type": "string"]]],
                     annotations: ToolAnnotations(readOnlyHint: true), implementation: "return { text: 'hi from \($0)' };")
        }, requiredSecrets: secrets)
    }

    @discardableResult
    static func template(
        _ app: Application, organization: UUID, author: UUID?, slug: String, title: String? = nil,
        summary: String = "A template for tests.", description: String = "Long description.",
        category: TemplateCategory = .productivity, status: Template.Status = .public, forks: Int = 0,
        createdAt: Date = Date(), spec: ServerSpec? = nil, sourceServer: UUID? = nil, hints: [String: SecretHint] = [:]
    ) async throws -> Template {
        let spec = spec ?? self.spec()
        let template = Template()
        template.slug = slug
        template.$organization.id = organization
        template.$author.id = author
        template.sourceServerID = sourceServer
        template.title = title ?? slug.capitalized
        template.category = category
        template.summary = summary
        template.descriptionMarkdown = description
        template.secretHintsJSON = String(decoding: try JSONEncoder().encode(hints), as: UTF8.self)
        template.status = status
        template.verified = false
        template.forks = forks
        template.latestVersion = 1
        template.toolNames = spec.tools.map(\.name).joined(separator: " ")
        template.createdAt = createdAt
        template.updatedAt = createdAt
        if status == .takedown {
            template.takedownReason = "Sends data to an undisclosed host"
            template.takenDownAt = createdAt
        }
        try await template.create(on: app.db)
        let version = TemplateVersion()
        version.$template.id = try template.requireID()
        version.number = 1
        version.specJSON = SpecJSON.encode(spec)
        version.createdAt = createdAt
        try await version.create(on: app.db)
        return template
    }

    /// `count` servers forked from `template` in `status`.
    /// `count` servers forked from `template`, each in a new workspace of its own, or all in `organization`.
    static func deployments(_ app: Application, of template: Template, in organization: UUID? = nil, count: Int,
                            status: HostedServer.Status = .active) async throws {
        for index in 0..<count {
            let server = HostedServer()
            if let organization {
                server.$organization.id = organization
            } else {
                let workspace = Organization(name: "Forker \(index)'s workspace", plan: .hobby)
                try await workspace.create(on: app.db)
                server.$organization.id = try workspace.requireID()
            }
            server.name = "Fork \(index)"
            server.slug = "fork-\(UUID().uuidString.prefix(8).lowercased())"
            server.description = "A fork."
            server.status = status
            server.specJSON = "{}"
            server.templateID = try template.requireID()
            server.createdAt = Date()
            server.updatedAt = Date()
            try await server.create(on: app.db)
        }
    }

    static func days(_ count: Double, before now: Date = Date()) -> Date {
        now.addingTimeInterval(-count * 86_400)
    }
}
