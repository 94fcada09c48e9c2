@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Marketplace pages: listing, template page, visibility, takedown, server.json, sitemap")
struct TemplatePagesTests {
    @Test("/templates lists public templates with tabs, categories, search and cards; empty states", arguments: TestDatabase.all)
    func listingPage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given no templates yet
            let empty = try await get(app, "/templates")
            #expect(empty.status == .ok)
            #expect(empty.body.string.contains("No templates yet"))
            // and then some
            let (organization, author) = try await MarketplaceFixtures.workspace(app, name: "Ada")
            let org = try organization.requireID()
            let weather = try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "weather",
                                                                 title: "Weather forecasts", category: .data, forks: 3)
            weather.verified = true
            try await weather.save(on: app.db)
            try await MarketplaceFixtures.deployments(app, of: weather, count: 2)
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "private-thing", status: .hidden)

            let page = try await get(app, "/templates")
            let html = page.body.string
            let inspector = HTMLInspector(html: html)
            #expect(page.status == .ok)
            #expect(html.contains("href=\"/templates/weather\""))
            #expect(html.contains("Weather forecasts"))
            #expect(html.contains("3 forks"))
            #expect(html.contains("2 active deployments"))
            #expect(html.contains("by <bdi>Ada</bdi>"), "the author's name is isolated: a right-to-left one keeps the words around it in place")
            #expect(html.contains(">Verified<"))
            #expect(html.contains("Data &amp; analytics"))
            #expect(!html.contains("private-thing"))
            #expect(!html.contains("@example.com"))
            // tabs and categories are links, the current one marked
            let links = inspector.tags("a")
            #expect(links.contains { $0.attributes["href"] == "/templates" && $0.attributes["aria-current"] == "page" })
            #expect(links.contains { $0.attributes["href"] == "/templates?sort=top" })
            #expect(links.contains { $0.attributes["href"] == "/templates?sort=newest" })
            #expect(links.contains { $0.attributes["href"] == "/templates?category=finance" })
            #expect(inspector.tags("form").contains { $0.attributes["method"] == "get" && $0.attributes["action"] == "/templates" })
            #expect(inspector.canonical == app.publicSite.baseURL + "/templates")
            #expect(!html.contains("Mine"), "only signed-in visitors get All | Mine")
            // the header links to the marketplace
            #expect(html.contains("<a href=\"/templates\" aria-current=\"page\">Templates</a>"))

            // a search that finds nothing says so, with the way back
            let none = try await get(app, "/templates?q=zebra")
            #expect(none.body.string.contains("No templates match “zebra”."))
            #expect(HTMLInspector(html: none.body.string).tags("a").contains { $0.attributes["href"] == "/templates" })
            #expect(HTMLInspector(html: none.body.string).meta(name: "robots") == "noindex")
            let filtered = try await get(app, "/templates?sort=top&category=data")
            #expect(filtered.body.string.contains("href=\"/templates/weather\""))
            #expect(HTMLInspector(html: filtered.body.string).canonical == app.publicSite.baseURL + "/templates?sort=top&category=data")
        }
    }

    @Test("pages are links: the next page's cursor is in an <a>, and the first page is one click away", arguments: TestDatabase.all)
    func pageLinks(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            for index in 0..<25 {
                try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "t-\(index)")
            }
            let first = HTMLInspector(html: try await get(app, "/templates?sort=newest").body.string)
            let next = try #require(first.tags("a").first { $0.attributes["rel"] == "next" }?.attributes["href"])
            #expect(next.hasPrefix("/templates?sort=newest&cursor="))
            let second = try await get(app, HTMLInspector.decode(next))
            #expect(second.status == .ok)
            #expect(HTMLInspector(html: second.body.string).tags("li").filter { $0.attributes["class"]?.contains("template-card") == true }.count == 5)
            #expect(second.body.string.contains("First page"))
        }
    }

    @Test("hidden and draft templates: 404 to others, visible to their workspace with a banner; Mine lists every status", arguments: TestDatabase.all)
    func ownerVisibility(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, email) = try await AccountDataTests.signedIn(app)
            let org = try await Workspaces.organizationID(owner)
            let user = try await Workspaces.user(app, email)
            try await MarketplaceFixtures.template(app, organization: org, author: user.id, slug: "mine-public")
            try await MarketplaceFixtures.template(app, organization: org, author: user.id, slug: "mine-hidden", status: .hidden)
            try await MarketplaceFixtures.template(app, organization: org, author: user.id, slug: "mine-draft", status: .draft)
            try await MarketplaceFixtures.template(app, organization: org, author: user.id, slug: "mine-gone", status: .takedown)
            let (stranger, _) = try await AccountDataTests.signedIn(app)

            for slug in ["mine-hidden", "mine-draft"] {
                // others: as if it did not exist
                #expect(try await get(app, "/templates/\(slug)").status == .notFound)
                #expect(try await stranger.get("/templates/\(slug)").status == .notFound)
                #expect(try await get(app, "/v1/templates/\(slug)").status == .notFound)
                #expect(try await stranger.get("/v1/templates/\(slug)").status == .notFound)
                #expect(try await stranger.get("/templates/\(slug)/server.json").status == .notFound)
                // the owner: the page with a banner and an edit link, no fork button
                let page = try await owner.get("/templates/\(slug)")
                #expect(page.status == .ok)
                #expect(page.body.string.contains("only your workspace can see it"))
                #expect(page.body.string.contains("href=\"/templates/\(slug)/edit\""))
                #expect(!page.body.string.contains("action=\"/templates/\(slug)/fork\""))
                #expect(HTMLInspector(html: page.body.string).meta(name: "robots") == "noindex")
                #expect(page.headers.first(name: .cacheControl) == "no-store")
                #expect(try await owner.get("/v1/templates/\(slug)").status == .ok)
                #expect(try await owner.get("/templates/\(slug)/server.json").status == .ok)
            }
            // the owner cannot report their own template (the form answers 403), so its page does not offer to
            let own = try await owner.get("/templates/mine-public").body.string
            #expect(own.contains("href=\"/templates/mine-public/edit\""))
            #expect(!own.contains("/templates/mine-public/report"))
            #expect(try await stranger.get("/templates/mine-public").body.string.contains("href=\"/templates/mine-public/report\""))
            // All lists public templates only, for the owner too; Mine lists all four with badges
            let all = try await owner.get("/templates").body.string
            #expect(all.contains("mine-public") && !all.contains("mine-hidden") && !all.contains("mine-draft") && !all.contains("mine-gone"))
            #expect(all.contains("href=\"/templates?view=mine\""))
            let mine = try await owner.get("/templates?view=mine")
            let html = mine.body.string
            for slug in ["mine-public", "mine-hidden", "mine-draft", "mine-gone"] { #expect(html.contains("/templates/\(slug)\""), "\(slug)") }
            #expect(html.contains(">Hidden<") && html.contains(">Draft<") && html.contains(">Taken down<") && html.contains(">Public<"))
            #expect(mine.headers.first(name: .cacheControl) == "no-store")
            let strangersMine = try await stranger.get("/templates?view=mine").body.string
            #expect(!strangersMine.contains("mine-hidden") && !strangersMine.contains("mine-public"))
            // signed out, Mine asks to sign in and comes back to Mine, not to everyone's listing
            let signedOut = try await get(app, "/templates?view=mine")
            #expect(signedOut.status == .seeOther)
            let login = try #require(signedOut.headers.first(name: .location).flatMap(URLComponents.init(string:)))
            #expect(login.path == SiteRoute.login.path)
            #expect(login.queryItems?.first { $0.name == "next" }?.value == "/templates?view=mine")
        }
    }

    @Test("a takedown answers 410 with the reason on the page and the API, for everyone, the owner included", arguments: TestDatabase.all)
    func takedown(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (owner, email) = try await AccountDataTests.signedIn(app)
            let org = try await Workspaces.organizationID(owner)
            let user = try await Workspaces.user(app, email)
            try await MarketplaceFixtures.template(app, organization: org, author: user.id, slug: "taken", status: .takedown)
            for browser in [owner, BrowserSession(app)] {
                let page = try await browser.get("/templates/taken")
                #expect(page.status == .gone)
                #expect(page.body.string.contains("Sends data to an undisclosed host"))
                let api = try await browser.get("/v1/templates/taken")
                #expect(api.status == .gone)
                #expect(try AccountDataTests.json(api)["error"] as? String == "template_taken_down")
                #expect(try await browser.get("/templates/taken/server.json").status == .gone)
            }
            #expect(try await get(app, "/templates/no-such-template").status == .notFound)
            #expect(try await get(app, "/v1/templates/no-such-template").status == .notFound)
        }
    }

    @Test("the template page: tools, schemas, annotations, credentials, escaped code, versions, fork, report, explainer", arguments: TestDatabase.all)
    func templatePage(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app, name: "Grace")
            var spec = MarketplaceFixtures.spec(tools: ["get_weather"], secrets: [RequiredSecret(key: "WEATHER_KEY", description: "API key")])
            spec.tools[0].implementation = "const html = '</code></pre><script>alert(1)</script>'; return { text: html };"
            try await MarketplaceFixtures.template(
                app, organization: organization.id!, author: author.id, slug: "weather", title: "Weather",
                description: "# Forecasts\n\nUses [the API](https://example.com/api) and [bad](javascript:alert(1)).\n\n<script>alert(2)</script>",
                spec: spec, hints: ["WEATHER_KEY": SecretHint(description: "Your OpenWeather key", howToGetURL: "https://openweathermap.org/api")])
            let page = try await get(app, "/templates/weather")
            let html = page.body.string
            let inspector = HTMLInspector(html: html)
            #expect(page.status == .ok)
            // cached signed out for a minute, and never shown from that cache once signed in
            #expect(page.headers.first(name: .cacheControl) == "public, max-age=60")
            #expect(page.headers[canonicalForm: "Vary"].map { $0.lowercased() }.contains("cookie"))
            #expect(try await get(app, "/templates").headers[canonicalForm: "Vary"].map { $0.lowercased() }.contains("cookie"))
            #expect(html.contains("<code>get_weather</code>"))
            #expect(html.contains("&quot;city&quot;") || html.contains("\"city\""), "the input schema")
            #expect(html.contains("Read-only"))
            #expect(html.contains("WEATHER_KEY") && html.contains("Your OpenWeather key"))
            #expect(inspector.tags("a").contains { $0.attributes["href"] == "https://openweathermap.org/api" && $0.attributes["rel"] == "nofollow ugc noopener" })
            #expect(html.contains("&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "code is text")
            #expect(!html.contains("<script>alert"))
            #expect(!html.contains("javascript:"))
            #expect(html.contains("<details class=\"template-code\">"))
            #expect(html.contains("v1 · "))
            // signed out: sign in to fork, coming back here
            #expect(inspector.tags("a").contains { $0.attributes["href"] == "/login?next=/templates/weather" })
            #expect(inspector.tags("a").contains { $0.attributes["href"] == "/templates/weather/report" })
            #expect(inspector.tags("a").contains { $0.attributes["href"] == "/templates/weather/server.json" })
            #expect(html.contains("Forking is safe") && html.contains("the author never sees them"))
            #expect(html.contains("by Grace") || html.contains("<dd>Grace</dd>"))
            // signed in: a POST form with the CSRF field
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let signedIn = try await browser.get("/templates/weather")
            let form = HTMLInspector(html: signedIn.body.string).tags("form").first { $0.attributes["action"] == "/templates/weather/fork" }
            #expect(form?.attributes["method"] == "post")
            #expect(BrowserSession.csrfField(in: signedIn.body.string) != nil)
        }
    }

    @Test("JSON-LD and Open Graph carry the title, and a hostile title cannot leave its element", arguments: TestDatabase.all)
    func structuredData(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            let title = "Evil </script><script>alert(1)</script> \"quoted\" & <b>"
            try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "evil", title: title,
                                                   summary: "Summary </script><img src=x onerror=alert(2)>")
            let html = try await get(app, "/templates/evil").body.string
            let inspector = HTMLInspector(html: html)
            #expect(!html.contains("<script>alert(1)"))
            #expect(!html.contains("<img src=x"))
            let code = try #require(inspector.jsonLD.first { $0["@type"] as? String == "SoftwareSourceCode" })
            #expect(code["name"] as? String == title)
            #expect(code["url"] as? String == app.publicSite.baseURL + "/templates/evil")
            #expect(inspector.jsonLD.contains { $0["@type"] as? String == "BreadcrumbList" })
            #expect(HTMLInspector.decode(inspector.meta(property: "og:title") ?? "").hasPrefix(title))
            #expect(inspector.meta(property: "og:url") == app.publicSite.baseURL + "/templates/evil")
            #expect(inspector.meta(name: "twitter:card") != nil)
            #expect(inspector.canonical == app.publicSite.baseURL + "/templates/evil")
        }
    }

    @Test("server.json is the MCP Registry's shape for the source server's endpoint, as a download", arguments: TestDatabase.all)
    func serverJSON(database: TestDatabase) async throws {
        let config = try testConfig(database: database, environment: ["BMM_PUBLIC_URL": "https://mcp.example.com"])
        try await withConfiguredApp(config) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            let template = try await MarketplaceFixtures.template(
                app, organization: organization.id!, author: author.id, slug: "weather-now", title: "Weather now",
                summary: String(repeating: "Forecasts for anywhere. ", count: 10))
            // the source server: a real row, since the column is a foreign key
            try await MarketplaceFixtures.deployments(app, of: template, count: 1)
            let server = try #require(try await HostedServer.query(on: app.db).filter(\.$templateID == template.id!).first())
            template.sourceServerID = server.id
            try await template.save(on: app.db)

            let response = try await get(app, "/templates/weather-now/server.json")
            #expect(response.status == .ok)
            #expect(response.headers.first(name: .contentDisposition) == "attachment; filename=\"server.json\"")
            let json = try AccountDataTests.json(response)
            #expect(json["$schema"] as? String == "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json")
            #expect(json["name"] as? String == "com.example.mcp/weather-now")
            #expect(json["title"] as? String == "Weather now")
            #expect(json["version"] as? String == "1.0.1")
            #expect((json["description"] as? String)?.count ?? 0 <= 100)
            #expect(json["websiteUrl"] as? String == "https://mcp.example.com/templates/weather-now")
            let remotes = try #require(json["remotes"] as? [[String: Any]])
            #expect(remotes.count == 1)
            #expect(remotes[0]["type"] as? String == "streamable-http")
            #expect(remotes[0]["url"] as? String == "https://mcp.example.com/mcp/\(server.id!.uuidString.lowercased())")
            let name = try #require(json["name"] as? String)
            #expect(name.range(of: "^[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+$", options: .regularExpression) != nil)

            // a program fetching the file of a template that is not there gets JSON, not the HTML page
            let missing = try await get(app, "/templates/no-such-template/server.json")
            #expect(missing.status == .notFound)
            #expect(missing.headers.contentType == .json)
            #expect(try AccountDataTests.json(missing)["error"] as? String == "template_not_found")
        }
    }

    @Test("the sitemap lists /templates and every public template, never a hidden one", arguments: TestDatabase.all)
    func sitemap(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            let base = app.publicSite.baseURL
            let before = try await get(app, "/sitemap.xml").body.string
            #expect(before.contains("<loc>\(base)/templates</loc>"))
            try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "listed")
            try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "unlisted", status: .hidden)
            try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "drafted", status: .draft)
            try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "removed", status: .takedown)
            let sitemap = try await get(app, "/sitemap.xml").body.string
            #expect(sitemap.contains("<loc>\(base)/templates/listed</loc>"), "a public template published after the first request")
            for slug in ["unlisted", "drafted", "removed"] { #expect(!sitemap.contains("/templates/\(slug)<"), "\(slug)") }
            #expect(sitemap.contains("<loc>\(base)/pricing</loc>"))
            #expect(sitemap.hasSuffix("</urlset>\n"))
        }
    }
}
