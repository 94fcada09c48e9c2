import Core
import Fluent
import Foundation
import SQLKit

/// Everything a template's page and `GET /v1/templates/{slug}` show, loaded once.
struct TemplateDetailData: Sendable {
    struct VersionRow: Sendable {
        let number: Int
        let createdAt: Date
    }

    let template: Template
    /// The latest version's spec; nil if that version is missing or unreadable.
    let spec: ServerSpec?
    let versions: [VersionRow]
    let author: String
    let activeDeployments: Int

    /// Credentials a fork must supply, with the publisher's hints where given.
    var credentials: [RequiredSecret] {
        let hints = (try? JSONDecoder().decode([String: SecretHint].self, from: Data(template.secretHintsJSON.utf8))) ?? [:]
        return (spec?.requiredSecrets ?? []).map { secret in
            let shown = SecretHint.shown(hints[secret.key], for: secret)
            return RequiredSecret(key: secret.key, description: shown.description,
                                  howToGetUrl: shown.url.flatMap { TemplateMarkdown.isWebURL($0) ? $0 : nil })
        }
    }
}

struct TemplateDetailQuery: Sendable {
    let database: any Database

    func load(_ template: Template) async throws -> TemplateDetailData {
        let id = try template.requireID()
        let versions = try await TemplateVersion.query(on: database).filter(\.$template.$id == id)
            .sort(\.$number, .descending).all()
        let latest = versions.first { $0.number == template.latestVersion } ?? versions.first
        let spec = latest.flatMap { try? SpecJSON.decode($0.specJSON) }
        let author: User? = if let authorID = template.$author.id { try await User.find(authorID, on: database) } else { nil }
        // Counted as the listing counts them (`TemplateDeployments`): other workspaces, each once.
        let active = Set(try await HostedServer.query(on: database).filter(\.$templateID == id).filter(\.$status == .active)
            .filter(\.$organization.$id != template.$organization.id).all(\.$organization.$id)).count
        return TemplateDetailData(
            template: template, spec: spec,
            versions: versions.map { .init(number: $0.number, createdAt: $0.createdAt) },
            author: TemplateAuthor.publicName(author?.displayName, email: author?.email), activeDeployments: active
        )
    }
}
