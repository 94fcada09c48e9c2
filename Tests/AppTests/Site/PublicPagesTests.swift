@testable import App
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import Vapor
import VaporTesting

@Suite("Public pages")
struct PublicPagesTests {
    /// Every HTML page of the site: the exported ones plus the live status page.
    static func htmlRoutes(_ app: Application) -> [SiteRoute] {
        SiteMap.routes(app.publicSite.content).filter { $0.exportFile.hasSuffix(".html") } + [.status]
    }

    @Test("every page: 200, unique title and description, canonical, one h1, social tags, working links")
    func everyPage() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let site = app.publicSite
            var titles: [String: String] = [:]
            var descriptions: [String: String] = [:]
            var checkedLinks: [String: HTTPStatus] = [:]
            for route in Self.htmlRoutes(app) {
                // when
                let response = try await get(app, route.path)
                // then
                #expect(response.status == .ok, "\(route.path)")
                #expect(response.headers.contentType == .html, "\(route.path)")
                let page = HTMLInspector(html: response.body.string)
                let title = try #require(page.title, "\(route.path) has no title")
                let description = try #require(page.meta(name: "description"), "\(route.path) has no description")
                #expect(titles[title] == nil, "\(route.path) repeats the title of \(titles[title] ?? "")")
                #expect(descriptions[description] == nil, "\(route.path) repeats the description of \(descriptions[description] ?? "")")
                titles[title] = route.path
                descriptions[description] = route.path
                #expect((40...170).contains(description.count), "\(route.path): description is \(description.count) characters")
                #expect(page.h1Count == 1, "\(route.path) has \(page.h1Count) h1")
                #expect(page.language == (route == .legal(.agb) ? "de" : "en"), "\(route.path)")
                #expect(page.meta(name: "viewport") != nil)

                if route == .offline {
                    #expect(page.canonical == nil)
                    #expect(page.meta(name: "robots") == "noindex")
                } else {
                    #expect(page.canonical == site.url(route), "\(route.path)")
                    #expect(page.meta(property: "og:url") == site.url(route), "\(route.path)")
                }
                #expect(page.meta(property: "og:title") != nil, "\(route.path)")
                #expect(page.meta(property: "og:description") == description, "\(route.path)")
                #expect(page.meta(property: "og:image")?.hasPrefix(site.baseURL + "/assets/") == true, "\(route.path)")
                #expect(page.meta(name: "twitter:card") != nil, "\(route.path)")

                for reference in page.references where reference.hasPrefix("/") && !reference.hasPrefix("//") {
                    let target = String(reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0])
                    if target.isEmpty { continue }
                    if checkedLinks[target] == nil {
                        checkedLinks[target] = try await get(app, target).status
                    }
                    // Signed-out visitors are sent from the dashboard and the billing page (the pricing CTAs) to
                    // sign-in: a working link too.
                    let signInFirst = target == SiteRoute.dashboard.path || target.hasPrefix(SiteRoute.billing().path + "?")
                    let working: Set<UInt> = signInFirst ? [303] : [200]
                    #expect(working.contains(checkedLinks[target]!.code), "\(route.path) links to \(target), which answers \(checkedLinks[target]!.code)")
                }
            }
            #expect(checkedLinks.count > 20)
        }
    }

    @Test("structured data: Organization and SoftwareApplication on /, TechArticle and breadcrumbs on docs, FAQPage on the FAQ")
    func structuredData() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let home = HTMLInspector(html: try await get(app, "/").body.string).jsonLD.compactMap { $0["@type"] as? String }
            #expect(Set(home) == ["Organization", "SoftwareApplication"])

            let docs = HTMLInspector(html: try await get(app, "/docs/quickstart").body.string).jsonLD
            #expect(Set(docs.compactMap { $0["@type"] as? String }) == ["TechArticle", "BreadcrumbList"])
            let crumbs = try #require(docs.first { $0["@type"] as? String == "BreadcrumbList" }?["itemListElement"] as? [[String: Any]])
            #expect(crumbs.compactMap { $0["name"] as? String } == ["Docs", "Quickstart"])

            let faq = try #require(HTMLInspector(html: try await get(app, "/docs/faq").body.string).jsonLD.first { $0["@type"] as? String == "FAQPage" })
            let questions = try #require(faq["mainEntity"] as? [[String: Any]])
            #expect(questions.count >= 8)
            for question in questions {
                #expect((question["name"] as? String)?.hasSuffix("?") == true)
                let answer = (question["acceptedAnswer"] as? [String: Any])?["text"] as? String
                #expect((answer?.count ?? 0) > 20)
                #expect(answer?.contains("<") == false)
            }
        }
    }

    @Test("the German terms: German page, English chrome marked so, pointing at its English twin and back (WCAG 3.1.2)")
    func germanTerms() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let agb = HTMLInspector(html: try await get(app, "/agb").body.string)
            #expect(agb.tags("html").first?.attributes["lang"] == "de")
            for element in ["header", "footer"] {
                #expect(agb.tags(element).first?.attributes["lang"] == "en", "\(element)")
            }
            #expect(agb.tags("a").first { $0.attributes["class"] == "skip-link" }?.attributes["lang"] == "en")
            let alternates = Dictionary(uniqueKeysWithValues: agb.tags("link").compactMap { tag in
                tag.attributes["hreflang"].map { ($0, tag.attributes["href"] ?? "") }
            })
            #expect(alternates["en"]?.hasSuffix("/terms") == true && alternates["de"]?.hasSuffix("/agb") == true)
            #expect(agb.tags("p").contains { $0.attributes["id"] == "legal-toc-title" })
            let terms = HTMLInspector(html: try await get(app, "/terms").body.string)
            #expect(terms.tags("link").contains { $0.attributes["hreflang"] == "de" })
            #expect(terms.tags("header").first?.attributes["lang"] == nil, "an English page needs no mark")
            #expect(terms.tags("a").contains { $0.attributes["href"] == "/agb" && $0.attributes["lang"] == "de" })
        }
    }

    @Test("pricing comes from the plan table and its billing toggle works without JavaScript")
    func pricing() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let html = try await get(app, "/pricing").body.string
            for plan in ["Hobby", "Pro", "Team", "Enterprise"] { #expect(html.contains(plan)) }
            #expect(html.contains("€199"))
            #expect(html.contains("€165"))
            #expect(html.contains("Custom"))
            #expect(html.contains("150 AI drafts a day"))
            #expect(html.contains("500 builds a day"))
            #expect(html.contains("(€1,980)"), "thousands are grouped, on the cards as in the table")
            #expect(html.contains("1,000 AI drafts a day") || html.contains("3,000 AI drafts a day"))
            #expect(html.contains("Coming soon"))
            #expect(html.contains("without an uptime SLA"))
            let radios = HTMLInspector(html: html).tags("input").filter { $0.attributes["type"] == "radio" }
            #expect(Set(radios.compactMap { $0.attributes["id"] }) == ["billing-monthly", "billing-yearly"])
        }
    }

    @Test("docs pages have a sidebar with the current page, a table of contents, and previous/next links")
    func docsNavigation() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let docs = app.publicSite.content.docs
            let second = docs.pages[1]
            let page = HTMLInspector(html: try await get(app, "/docs/" + second.path).body.string)
            let current = page.tags("a").filter { $0.attributes["aria-current"] == "page" }.compactMap { $0.attributes["href"] }
            #expect(current.contains("/docs/" + second.path))
            let relations = Dictionary(page.tags("a").compactMap { tag in tag.attributes["rel"].map { ($0, tag.attributes["href"] ?? "") } }, uniquingKeysWith: { a, _ in a })
            #expect(relations["prev"] == "/docs/" + docs.pages[0].path)
            #expect(relations["next"] == "/docs/" + docs.pages[2].path)
            let anchors = page.tags("a").filter { $0.attributes["class"] == "anchor" }
            #expect(!anchors.isEmpty)
            let ids = Set(page.tags("h2").compactMap { $0.attributes["id"] })
            for anchor in anchors {
                let href = anchor.attributes["href"] ?? ""
                if href.hasPrefix("#"), page.tags("h2").contains(where: { "#" + ($0.attributes["id"] ?? "") == href }) {
                    #expect(ids.contains(String(href.dropFirst())))
                }
            }
        }
    }

    @Test("the search index lists every docs page with title, description and headings")
    func searchIndex() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let response = try await get(app, "/search-index.json")
            #expect(response.headers.contentType == .json)
            let index = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]
            let pages = try #require(index?["pages"] as? [[String: Any]])
            #expect(pages.compactMap { $0["u"] as? String } == app.publicSite.content.docs.pages.map { "/docs/" + $0.path })
            #expect(pages.allSatisfy { ($0["t"] as? String)?.isEmpty == false && ($0["h"] as? [String]) != nil })
            // each heading comes with the id its page gives it, so a hit opens the page there
            let oauth = try #require(pages.first { $0["u"] as? String == "/docs/oauth" })
            let anchors = try #require(oauth["a"] as? [String])
            #expect(anchors.count == (oauth["h"] as? [String])?.count && !anchors.isEmpty)
            let ids = Set(HTMLInspector(html: try await get(app, "/docs/oauth").body.string).tags("h2").compactMap { $0.attributes["id"] })
            #expect(Set(anchors).isSubset(of: ids), "\(anchors) vs \(ids)")
        }
    }

    @Test("sitemap lists every indexable page; robots.txt points to it")
    func sitemapAndRobots() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let site = app.publicSite
            let sitemap = try await get(app, "/sitemap.xml").body.string
            let locations = Set(sitemap.components(separatedBy: "<loc>").dropFirst().map { $0.components(separatedBy: "</loc>")[0] })
            // The live app adds the marketplace (its templates are in `TemplatePagesTests`).
            let expected = Set(SiteMap.routes(site.content).filter(\.isIndexable).map(site.url) + [site.url(.templates)])
            #expect(locations == expected)
            #expect(locations.contains(site.url(.docs(path: "oauth"))))
            let robots = try await get(app, "/robots.txt").body.string
            #expect(robots.contains("Sitemap: \(site.url(.sitemap))"))
        }
    }

    @Test("the changelog has an Atom feed with every entry")
    func atomFeed() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let response = try await get(app, "/changelog/feed.xml")
            #expect(response.headers.first(name: .contentType)?.hasPrefix("application/atom+xml") == true)
            let feed = response.body.string
            #expect(feed.hasPrefix("<?xml"))
            #expect(feed.components(separatedBy: "<entry>").count - 1 == app.publicSite.content.changelog.count)
            #expect(feed.contains("<link rel=\"self\" type=\"application/atom+xml\" href=\"http://127.0.0.1:8080/changelog/feed.xml\"/>"))
            let xml = try XMLDocument(xmlString: feed)
            #expect(xml.rootElement()?.name == "feed")
        }
    }

    @Test("web manifest and service worker reference fingerprinted assets that exist")
    func pwa() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let manifest = try JSONSerialization.jsonObject(with: Data(try await get(app, "/manifest.webmanifest").body.string.utf8)) as? [String: Any]
            let icons = try #require(manifest?["icons"] as? [[String: Any]])
            #expect(icons.contains { $0["sizes"] as? String == "512x512" })
            for icon in icons {
                let src = try #require(icon["src"] as? String)
                #expect(try await get(app, src).status == .ok)
            }
            let worker = try await get(app, "/sw.js")
            #expect(worker.headers.first(name: .cacheControl) == "no-cache")
            #expect(worker.body.string.hasPrefix("const BMM_VERSION = \"\(app.publicSite.assets.version)\";"))
            #expect(worker.body.string.contains("\"/offline\""))
            #expect(try await get(app, "/offline").status == .ok)
        }
    }

    @Test("/favicon.ico is the 192-pixel icon in an ICO container, so no icon request 404s")
    func favicon() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            // when
            let response = try await get(app, "/favicon.ico")

            // then: one directory entry, 192 x 192, pointing at the PNG asset's bytes unchanged
            let bytes = [UInt8](response.body.readableBytesView)
            let png = try #require(app.publicSite.assets.byLogicalPath["icons/icon-192.png"]).data
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentType) == "image/vnd.microsoft.icon")
            #expect(Array(bytes.prefix(8)) == [0, 0, 1, 0, 1, 0, 192, 192])
            let size = bytes[14..<18].reversed().reduce(0) { $0 << 8 | Int($1) }
            let offset = bytes[18..<22].reversed().reduce(0) { $0 << 8 | Int($1) }
            #expect(size == png.count)
            #expect(offset == 22)
            #expect(Data(bytes[offset...]) == png)
        }
    }

    @Test("an ICO file takes only a PNG of at most 256 pixels")
    func icoRefusesWhatItCannotHold() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
        #expect(try ICOFile(png: png, side: 256).bytes[6] == 0)
        #expect(throws: ICOFile.Invalid.self) { try ICOFile(png: Data("GIF89a".utf8), side: 16) }
        #expect(throws: ICOFile.Invalid.self) { try ICOFile(png: png, side: 512) }
    }

    @Test("assets are served under content hashes with a year-long immutable cache")
    func assets() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let css = app.publicSite.assetURLs.css
            #expect(css.range(of: #"^/assets/css/site\.[0-9a-f]{10}\.css$"#, options: .regularExpression) != nil)
            let response = try await get(app, css)
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .cacheControl) == "public, max-age=31536000, immutable")
            #expect(response.headers.first(name: .contentType) == "text/css; charset=utf-8")
            #expect(try await get(app, "/assets/css/site.0000000000.css").status == .notFound)
        }
    }

    @Test("a rendered page is cached: the second answer is the same bytes")
    func pageCache() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let first = try await get(app, "/docs/oauth").body
            let second = try await get(app, "/docs/oauth").body
            #expect(first == second)
            #expect(app.pageCache.page("/docs/oauth")?.body == first)
        }
    }
}
