import Core
import Foundation
import Vapor

/// `/templates/{slug}` and its `server.json` download. Visibility is `TemplateAccess`'s:
/// hidden and draft templates are 404 except to their workspace, a takedown is 410 for
/// everyone (the error page shows the moderators' reason).
enum TemplatePageController {
    static func page(_ req: Request) async throws -> Response {
        let slug = try req.parameters.require(RouteKey.template.rawValue)
        let access = TemplateAccess(database: req.db, viewerOrganization: req.currentUser?.organization.id)
        let template = try await access.visible(slug)
        let data = try await TemplateDetailQuery(database: req.db).load(template)
        let site = req.site
        let route = SiteRoute.template(.value(template.slug))
        let isPublic = template.status == .public
        let current = req.currentUser
        let view = makeView(data, isOwner: access.isOwner(template), signedIn: current != nil,
                            csrf: current != nil && isPublic ? req.csrfToken(req.accounts.cookies) : nil)

        let base = site.meta(
            title: template.title + " — MCP server template", description: template.summary.isEmpty ? template.title : template.summary,
            route: route, openGraphType: "article",
            jsonLD: [
                TemplatePageView.jsonLD(data, url: site.url(route)),
                JSONLD.breadcrumbs([("Templates", site.url(.templates)), (template.title, site.url(route))]),
            ]
        )
        let meta = isPublic ? base : PageMeta(
            title: base.title, description: base.description, canonicalURL: nil, openGraphType: base.openGraphType,
            openGraphImageURL: base.openGraphImageURL, language: base.language, jsonLD: [], noIndex: true,
            scripts: [], feedHref: nil
        )
        var layout = site.layout(meta, current: .templates)
        if let current {
            layout.app = AppShellBuilder.shell(req, current, active: .templates)
            return try await req.renderHTML("Marketplace/template", Page(layout: layout, page: view)).noStore()
        }
        let response = try await req.renderHTML("Marketplace/template", Page(layout: layout, page: view))
        response.headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=60")
        // Signed in, the same address answers with the app's navigation: a copy kept from before
        // signing in must not be shown after it.
        response.headers.addVary("Cookie")
        return response
    }

    /// The MCP Registry's `server.json` for this template, as a file download.
    static func serverJSON(_ req: Request) async throws -> Response {
        let slug = try req.parameters.require(RouteKey.template.rawValue)
        let template = try await TemplateAccess(database: req.db, viewerOrganization: req.currentUser?.organization.id).visible(slug)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        let body = try encoder.encode(RegistryServerJSON(template, baseURL: req.accounts.publicURL))
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"server.json\"")
        headers.replaceOrAdd(name: .cacheControl, value: template.status == .public ? "public, max-age=60" : "no-store")
        return Response(status: .ok, headers: headers, body: .init(data: body + Data("\n".utf8)))
    }

    static func makeView(_ data: TemplateDetailData, isOwner: Bool, signedIn: Bool, csrf: String?) -> TemplatePageView {
        let template = data.template
        let slug = Parameter.value(template.slug)
        let route = SiteRoute.template(slug)
        let isPublic = template.status == .public
        let allowedDomains = data.spec?.allowedDomains ?? []
        let banner: TemplatePageView.OwnerBanner? = switch template.status {
        case .hidden where isOwner:
            .init(message: "This template is hidden: only your workspace can see it. Forks made earlier keep running.",
                  editHref: SiteRoute.template(slug, .edit).path)
        case .draft where isOwner:
            .init(message: "This template is a draft: only your workspace can see it until you publish it.",
                  editHref: SiteRoute.template(slug, .edit).path)
        default: nil
        }
        return TemplatePageView(
            slug: template.slug,
            title: template.title,
            summary: template.summary,
            category: template.category.label,
            categoryHref: TemplatesPageState(category: template.category).href(),
            descriptionHTML: TemplateMarkdown.html(template.descriptionMarkdown),
            verified: template.verified,
            author: data.author,
            tools: (data.spec?.tools ?? []).map {
                .init(name: $0.name, title: $0.title, description: $0.description, schema: SpecJSON.pretty($0.inputSchema),
                      annotations: TemplatePageView.annotationLabels($0.annotations, allowedDomains: allowedDomains),
                      code: $0.implementation)
            },
            credentials: data.credentials.map { .init(key: $0.key, description: $0.description, howToGetURL: $0.howToGetUrl) },
            versions: data.versions.map {
                .init(number: $0.number, created: TimeText.day($0.createdAt), isLatest: $0.number == template.latestVersion)
            },
            stats: [
                .init(label: "Forks", value: String(template.forks)),
                .init(label: "Active deployments", value: String(data.activeDeployments)),
                .init(label: "Version", value: "v\(template.latestVersion)"),
                .init(label: "Updated", value: TimeText.day(template.updatedAt)),
                .init(label: "Author", value: data.author),
                .init(label: "Verified", value: template.verified ? "Yes, reviewed by the moderators" : "Not yet"),
            ],
            banner: banner,
            editHref: isOwner ? SiteRoute.template(slug, .edit).path : nil,
            canFork: isPublic,
            forkAction: isPublic && signedIn ? SiteRoute.template(slug, .fork).path : nil,
            signInToForkHref: isPublic && !signedIn ? SiteRoute.login.path(QueryString([("next", route.path)])) : nil,
            csrf: csrf,
            reportHref: isOwner ? nil : SiteRoute.template(slug, .report).path,
            serverJSONHref: SiteRoute.template(slug, .serverJSON).path,
            templatesHref: SiteRoute.templates.path
        )
    }
}
