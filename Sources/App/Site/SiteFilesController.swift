import Foundation
import Vapor

/// Machine-read files of the public site: sitemap, robots, search index, web
/// manifest, service worker, fingerprinted assets, and the offline fallback page.
enum SiteFilesController {
    /// The content's pages; on the live app also `/templates` and every public template,
    /// read from the database on each request (the static export has no database, so its
    /// sitemap lists the content only).
    static func sitemap(_ req: Request) async throws -> Response {
        let response = try await req.publicFile(.sitemap, contentType: "application/xml; charset=utf-8") {
            let site = req.site
            var xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">

            """
            for route in SiteMap.routes(site.content) where route.isIndexable {
                xml += "  <url><loc>\(XML.escape(site.url(route)))</loc></url>\n"
            }
            return xml + "</urlset>\n"
        }
        guard !req.application.config.isStaticExport, let cached = response.body.buffer else { return response }
        let templates = try await TemplateSitemap(database: req.db).entries(baseURL: req.site.baseURL)
        var body = String(buffer: cached)
        body.removeLast("</urlset>\n".count)
        body += templates + "</urlset>\n"
        response.body = .init(string: body)
        // Templates change without a restart: the caching middleware hashes this body instead.
        response.headers.remove(name: .eTag)
        response.headers.remove(name: .lastModified)
        return response
    }

    static func robots(_ req: Request) async throws -> Response {
        try await req.publicFile(.robots, contentType: "text/plain; charset=utf-8") {
            """
            User-agent: *
            Allow: /
            Disallow: /v1/
            Disallow: /oauth/
            Disallow: /mcp/

            Sitemap: \(req.site.url(.sitemap))

            """
        }
    }

    /// Compact index for the docs search script; works the same from a static host.
    /// The API document exactly as `Content/openapi.json` holds it.
    static func openAPI(_ req: Request) async throws -> Response {
        guard let document = req.site.content.api else { throw Abort(.notFound) }
        return try await req.publicFile(.openAPI, contentType: "application/json") { document.text }
    }

    static func searchIndex(_ req: Request) async throws -> Response {
        try await req.publicFile(.searchIndex, contentType: "application/json") {
            /// `h`: the page's `##` headings as shown; `a`: their ids, in the same order, so a hit on a heading
            /// opens the page at it.
            struct Entry: Encodable {
                let t: String, d: String, u: String, s: String, h: [String], a: [String]
            }
            struct Index: Encodable { let pages: [Entry] }
            let docs = req.site.content.docs
            let index = Index(pages: docs.pages.map { page in
                let section = docs.sections[page.sectionIndex]
                // The ids the page itself gives its headings (built once: the file is cached like a page).
                let headings = req.site.markdown.render(page.markdown).headings.filter { $0.level == 2 }
                return Entry(
                    t: page.title,
                    d: page.description,
                    u: SiteRoute.docs(path: .value(page.path)).path,
                    s: section.path.isEmpty ? "Docs" : section.title,
                    h: headings.map(\.text),
                    a: headings.map(\.id)
                )
            })
            // Sorted keys: corelibs Foundation's encoder has no stable order otherwise,
            // and the export must equal the live file byte for byte.
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(index), as: UTF8.self)
        }
    }

    static func webManifest(_ req: Request) async throws -> Response {
        try await req.publicFile(.webManifest, contentType: "application/manifest+json") {
            let site = req.site
            let icons: [[String: String]] = [
                ("icons/icon-192.png", "192x192", "image/png"),
                ("icons/icon-512.png", "512x512", "image/png"),
                ("icons/icon.svg", "any", "image/svg+xml"),
            ].compactMap { path, sizes, type in
                site.assets.byLogicalPath[path].map { ["src": $0.url, "sizes": sizes, "type": type, "purpose": "any"] }
            }
            let manifest: [String: Any] = [
                "name": PublicSite.name,
                "short_name": "BuildMyMCP",
                "description": "Describe an MCP server in plain words and get a hosted endpoint in seconds.",
                "start_url": SiteRoute.home.path,
                "scope": SiteRoute.home.path,
                "display": "standalone",
                "background_color": "#0b0d12",
                "theme_color": "#0b0d12",
                "icons": icons,
            ]
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted])
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }

    /// The 192-pixel icon in an ICO container (ICO may hold a PNG as it is), so no icon request 404s.
    static func favicon(_ req: Request) async throws -> Response {
        guard let icon = req.site.assets.byLogicalPath[Self.faviconSource] else { throw Abort(.notFound) }
        return try await req.publicFile(.favicon, contentType: "image/vnd.microsoft.icon") {
            ByteBuffer(bytes: try ICOFile(png: icon.data, side: 192).bytes)
        }
    }

    static let faviconSource = "icons/icon-192.png"

    /// The worker script with its version and precache list prepended, so a new
    /// deploy (any asset changed) installs a fresh cache.
    static func serviceWorker(_ req: Request) async throws -> Response {
        let response = try await req.publicFile(.serviceWorker, contentType: "text/javascript; charset=utf-8") {
            let site = req.site
            let precache = [SiteRoute.offline.path, site.assetURLs.css, site.assetURLs.siteJS, site.assetURLs.glowJS, site.assetURLs.iconSVG, site.assetURLs.icon192]
            let list = precache.map { "\"\($0)\"" }.joined(separator: ", ")
            return "const BMM_VERSION = \"\(site.assets.version)\";\nconst BMM_PRECACHE = [\(list)];\n" + site.assets.serviceWorkerSource
        }
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        return response
    }

    static func asset(_ req: Request) async throws -> Response {
        guard let asset = req.site.assets.byURL[req.url.path] else { throw Abort(.notFound) }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: asset.contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=31536000, immutable")
        headers.replaceOrAdd(name: .eTag, value: asset.eTag)
        headers.replaceOrAdd(name: .lastModified, value: req.site.lastModified)
        return Response(status: .ok, headers: headers, body: .init(data: asset.data))
    }

    static func offline(_ req: Request) async throws -> Response {
        try await req.publicPage(.offline) {
            let site = req.site
            let meta = site.unlistedMeta(title: "Offline", description: "You are offline. Reconnect to keep browsing BuildMyMCPServer.")
            return try await req.renderHTML("Site/offline", Page(layout: site.layout(meta, current: nil), page: OfflineView(homeHref: SiteRoute.home.path)))
        }
    }
}

/// Every exported route of the site, in a stable order.
enum SiteMap {
    static func routes(_ content: SiteContent) -> [SiteRoute] {
        var routes: [SiteRoute] = [.home, .pricing, .docsIndex]
        for section in content.docs.namedSections {
            routes.append(.docs(path: .value(section.path)))
        }
        routes += content.docs.pages.map { .docs(path: .value($0.path)) }
        routes += [.changelog, .changelogFeed]
        routes += SiteRoute.LegalPage.allCases.filter { content.legal[$0] != nil }.map { .legal($0) }
        routes += [.offline, .sitemap, .robots, .searchIndex]
        if content.api != nil { routes.append(.openAPI) }
        routes += [.webManifest, .favicon, .serviceWorker]
        return routes
    }
}

extension Request {
    /// A generated text file of the public site, cached like public pages.
    func publicFile(_ route: SiteRoute, contentType: String, build: () async throws -> String) async throws -> Response {
        try await publicFile(route, contentType: contentType) { ByteBuffer(string: try await build()) }
    }

    /// A generated file of the public site, cached like public pages.
    func publicFile(_ route: SiteRoute, contentType: String, build: () async throws -> ByteBuffer) async throws -> Response {
        let cache = application.pageCache
        let entry: RenderedPageCache.Entry
        if let cached = cache.page(route.path) {
            entry = cached
        } else {
            entry = RenderedPageCache.Entry(try await build())
            cache.store(entry, for: route.path)
        }
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: contentType)
        headers.replaceOrAdd(name: .cacheControl, value: "public, max-age=300")
        return Response(status: .ok, headers: headers, body: .init(buffer: entry.body)).validated(by: entry, site: site)
    }
}
