import Core
import Foundation

/// `/templates/{slug}`: what a template does, what it needs, its code, and forking.
struct TemplatePageView: Encodable {
    struct Tool: Encodable {
        let name: String
        let title: String?
        let description: String
        let schema: String
        let annotations: [String]
        let code: String
    }

    struct Credential: Encodable {
        let key: String
        let description: String
        let howToGetURL: String?
    }

    struct Version: Encodable {
        let number: Int
        let created: String
        let isLatest: Bool
    }

    struct Stat: Encodable {
        let label: String
        let value: String
    }

    /// For the owner looking at a template others cannot see.
    struct OwnerBanner: Encodable {
        let message: String
        let editHref: String
    }

    let slug: String
    let title: String
    let summary: String
    let category: String
    let categoryHref: String
    let descriptionHTML: String
    let verified: Bool
    let author: String
    let tools: [Tool]
    let credentials: [Credential]
    let versions: [Version]
    let stats: [Stat]
    let banner: OwnerBanner?
    let editHref: String?
    /// Forking: a POST form for signed-in visitors, a sign-in link otherwise; neither for
    /// a template that is not public (only public templates can be forked).
    let canFork: Bool
    let forkAction: String?
    let signInToForkHref: String?
    let csrf: String?
    /// Nil for the owner's workspace, which cannot report its own template (the form answers 403).
    let reportHref: String?
    let serverJSONHref: String
    let templatesHref: String
}

extension TemplatePageView {
    static func annotationLabels(_ annotations: ToolAnnotations?, allowedDomains: [String]) -> [String] {
        let published = (annotations ?? ToolAnnotations()).published(allowedDomains: allowedDomains)
        var labels: [String] = []
        if case .bool(true)? = published["readOnlyHint"] { labels.append("Read-only") }
        if case .bool(true)? = published["destructiveHint"] { labels.append("Destructive") }
        if case .bool(true)? = published["idempotentHint"] { labels.append("Idempotent") }
        if case .bool(true)? = published["openWorldHint"] { labels.append("Reaches the internet") }
        return labels
    }

    /// schema.org `SoftwareSourceCode`, safe inside a script element (see `JSONLD`).
    static func jsonLD(_ data: TemplateDetailData, url: String) -> String {
        let template = data.template
        let iso = ISO8601DateFormatter()
        return JSONLD.document("SoftwareSourceCode", [
            "name": .string(template.title),
            "description": .string(template.summary),
            "url": .string(url),
            "programmingLanguage": .string("JavaScript"),
            "runtimePlatform": .string("Model Context Protocol"),
            "version": .string(String(template.latestVersion)),
            "keywords": .string(template.category.label),
            "author": .object(["@type": .string("Person"), "name": .string(data.author)]),
            "dateCreated": .string(iso.string(from: template.createdAt)),
            "dateModified": .string(iso.string(from: template.updatedAt)),
        ]).serialized
    }
}
