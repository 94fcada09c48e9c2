import Core
import Foundation

/// `GET /v1/templates/{slug}`: the listing fields plus what a forker reads first: the
/// tools (with schemas and annotations, without code), the credentials to bring and the
/// version history. The code is on the template's page.
struct TemplateDetail: Encodable, Sendable {
    struct Tool: Encodable, Sendable {
        let name: String
        let title: String?
        let description: String
        let inputSchema: JSONValue
        let annotations: ToolAnnotations?
    }

    struct Credential: Encodable, Sendable {
        let key: String
        let description: String
        let howToGetURL: String?
    }

    struct Version: Encodable, Sendable {
        let number: Int
        let createdAt: Date
    }

    let template: TemplateCard
    let descriptionMarkdown: String
    let url: String
    let tools: [Tool]
    let credentials: [Credential]
    let versions: [Version]

    init(_ data: TemplateDetailData, baseURL: String) {
        let template = data.template
        self.template = TemplateCard(
            slug: template.slug, title: template.title, summary: template.summary, category: template.category,
            status: template.status, verified: template.verified, forks: template.forks,
            activeDeployments: data.activeDeployments, author: data.author, latestVersion: template.latestVersion,
            createdAt: template.createdAt, updatedAt: template.updatedAt
        )
        descriptionMarkdown = template.descriptionMarkdown
        url = SiteRoute.template(.value(template.slug)).url(base: baseURL)
        tools = (data.spec?.tools ?? []).map {
            Tool(name: $0.name, title: $0.title, description: $0.description, inputSchema: $0.inputSchema, annotations: $0.annotations)
        }
        credentials = data.credentials.map { Credential(key: $0.key, description: $0.description, howToGetURL: $0.howToGetUrl) }
        versions = data.versions.map { Version(number: $0.number, createdAt: $0.createdAt) }
    }
}
