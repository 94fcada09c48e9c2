@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Marketplace listing: tabs, trending in SQL, search, categories, pages")
struct TemplateListingTests {
    /// The slugs `/v1/templates` lists for `query`, first page.
    func slugs(_ app: Application, _ query: String) async throws -> [String] {
        let response = try await get(app, "/v1/templates" + query)
        let json = try AccountDataTests.json(response)
        #expect(response.status == .ok, "\(query): \(response.body.string)")
        return (json["templates"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
    }

    @Test("trending, top and newest order fixed data as their formulas say", arguments: TestDatabase.all)
    func orders(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given five templates whose ages, forks and live forks are known
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            let org = try organization.requireID()
            let now = app.clock.now()
            let rows: [(slug: String, active: Int, forks: Int, age: Double)] = [
                ("old-favourite", 0, 10, 100), ("busy-newcomer", 2, 1, 1), ("fresh-fork", 0, 4, 0),
                ("steady-one", 1, 0, 3), ("forgotten", 0, 0, 200),
            ]
            for row in rows {
                let template = try await MarketplaceFixtures.template(
                    app, organization: org, author: author.id, slug: row.slug, forks: row.forks,
                    createdAt: MarketplaceFixtures.days(row.age, before: now))
                try await MarketplaceFixtures.deployments(app, of: template, count: row.active)
                // stopped forks are not active deployments, nor the publisher's own
                try await MarketplaceFixtures.deployments(app, of: template, count: 2, status: .failed)
                try await MarketplaceFixtures.deployments(app, of: template, in: org, count: 3)
            }
            // a hidden and a draft template never show in the public listing
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "secret-plan", status: .hidden, forks: 99)
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "half-done", status: .draft, forks: 99)
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "removed", status: .takedown, forks: 99)

            // when / then: trending is (active * 3 + forks) / sqrt(ageDays + 1)
            let expected = rows.sorted {
                TemplateSort.trendingScore(activeDeployments: $0.active, forks: $0.forks, ageDays: $0.age)
                    > TemplateSort.trendingScore(activeDeployments: $1.active, forks: $1.forks, ageDays: $1.age)
            }.map(\.slug)
            #expect(expected == ["busy-newcomer", "fresh-fork", "steady-one", "old-favourite", "forgotten"])
            #expect(try await slugs(app, "") == expected)
            #expect(try await slugs(app, "?sort=trending") == expected)
            #expect(try await slugs(app, "?sort=top") == ["old-favourite", "fresh-fork", "busy-newcomer", "steady-one", "forgotten"])
            #expect(try await slugs(app, "?sort=newest") == ["fresh-fork", "busy-newcomer", "steady-one", "old-favourite", "forgotten"])

            // the cards carry the counts
            let json = try AccountDataTests.json(try await get(app, "/v1/templates?sort=top"))
            let busy = try #require((json["templates"] as? [[String: Any]])?.first { $0["slug"] as? String == "busy-newcomer" })
            #expect(busy["activeDeployments"] as? Int == 2)
            #expect(busy["forks"] as? Int == 1)
            #expect(busy["author"] as? String == "Author")
            #expect(!json.description.contains("@example.com"), "never an email address")
            // newest counts live forks for its page's rows only; the counts are the same
            let newest = try AccountDataTests.json(try await get(app, "/v1/templates?sort=newest"))
            #expect((newest["templates"] as? [[String: Any]])?.first { $0["slug"] as? String == "busy-newcomer" }?["activeDeployments"] as? Int == 2)
        }
    }

    @Test("ties rank the same way every time", arguments: TestDatabase.all)
    func tieBreaker(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            let created = MarketplaceFixtures.days(2, before: app.clock.now())
            for index in 0..<6 {
                try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "twin-\(index)",
                                                       forks: 3, createdAt: created)
            }
            for sort in TemplateSort.allCases {
                let first = try await slugs(app, "?sort=\(sort.rawValue)")
                #expect(first.count == 6)
                #expect(try await slugs(app, "?sort=\(sort.rawValue)") == first)
            }
        }
    }

    @Test("search finds titles, description words and tool names on both databases; odd input never fails", arguments: TestDatabase.all)
    func search(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            let org = try organization.requireID()
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "weather", title: "Weather forecasts",
                                                   description: "Daily outlooks for sailors and lighthouse keepers.")
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "issues", title: "Issue tracker",
                                                   spec: MarketplaceFixtures.spec(tools: ["search_issues", "create_ticket"]))
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "notes", title: "Notes",
                                                   summary: "Keep notes in a notebook.")
            try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "hidden-weather",
                                                   title: "Weather secrets", status: .hidden)

            #expect(try await slugs(app, "?q=weather") == ["weather"], "titles; hidden ones stay hidden")
            #expect(try await slugs(app, "?q=forecast") == ["weather"], "stems: forecasts")
            #expect(try await slugs(app, "?q=lighthouse") == ["weather"], "the long description")
            #expect(try await slugs(app, "?q=lightho") == ["weather"], "the last word is a prefix")
            #expect(try await slugs(app, "?q=search_issues") == ["issues"], "tool names")
            #expect(try await slugs(app, "?q=ticket") == ["issues"])
            #expect(try await slugs(app, "?q=notebook") == ["notes"], "the summary")
            #expect(try await slugs(app, "?q=sailors%20weather") == ["weather"], "every word must match")
            #expect(try await slugs(app, "?q=sailors%20notebook").isEmpty)
            #expect(try await slugs(app, "?q=WEATHER") == ["weather"])

            // odd characters are separators, never syntax errors
            let odd = ["\"", "*", "NEAR(", "-", "'", ":*", "a & b | !c", "(weather", "weather\"", "%", "\\", "OR", "AND NOT",
                       "title:weather", "^", "😀", "weather*", "-weather", "NEAR(weather notes)", String(repeating: "x ", count: 300)]
            for query in odd {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let response = try await get(app, "/v1/templates?q=" + encoded)
                #expect(response.status == .ok, "q=\(query) answered \(response.status)")
                let page = try await get(app, "/templates?q=" + encoded)
                #expect(page.status == .ok, "/templates?q=\(query) answered \(page.status)")
            }
            #expect(try await slugs(app, "?q=(weather").contains("weather"))
            #expect(try await slugs(app, "?q=weather%22") == ["weather"])

            // edits reach the index
            let notes = try #require(try await Template.query(on: app.db).filter(\.$slug == "notes").first())
            notes.title = "Zettelkasten notes"
            try await notes.save(on: app.db)
            #expect(try await slugs(app, "?q=zettelkasten") == ["notes"])
            #expect(try await slugs(app, "?q=keep%20notes") == ["notes"], "the old text is forgotten, the unchanged text kept")
            // and deletions (a workspace deleted with its templates)
            try await notes.delete(on: app.db)
            #expect(try await slugs(app, "?q=zettelkasten").isEmpty)
            #expect(try await slugs(app, "?q=weather") == ["weather"])
        }
    }

    @Test("the category filter, and bad parameters answer 400 with a code", arguments: TestDatabase.all)
    func categoriesAndBadInput(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "ledger", category: .finance)
            try await MarketplaceFixtures.template(app, organization: organization.id!, author: author.id, slug: "deployer", category: .devops)
            #expect(try await slugs(app, "?category=finance") == ["ledger"])
            #expect(try await slugs(app, "?category=devops&sort=newest") == ["deployer"])
            #expect(try await slugs(app, "?category=").count == 2, "an empty parameter means all")

            for (query, code) in [("?sort=best", "invalid_sort"), ("?category=weapons", "invalid_category"),
                                  ("?cursor=not-a-cursor", "invalid_cursor"), ("?cursor=%22%3E%3Cscript%3E", "invalid_cursor")] {
                let response = try await get(app, "/v1/templates" + query)
                #expect(response.status == .badRequest, "\(query)")
                #expect(try AccountDataTests.json(response)["error"] as? String == code)
            }
            // the page opens what it can: an old or mistyped link loses only what it cannot read
            let page = try await get(app, "/templates?sort=best&category=finance&q=ledger&cursor=x")
            #expect(page.status == .seeOther)
            #expect(page.headers.first(name: .location) == "/templates?category=finance&q=ledger")
            let category = try await get(app, "/templates?category=weapons&sort=newest")
            #expect(category.headers.first(name: .location) == "/templates?sort=newest")
        }
    }

    @Test("cursor pages walk every template once, 20 at a time, in every order", arguments: TestDatabase.all)
    func pagination(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (organization, author) = try await MarketplaceFixtures.workspace(app)
            let org = try organization.requireID()
            let now = app.clock.now()
            for index in 0..<45 {
                // repeated values on purpose: ties must be broken the same way on every page
                let template = try await MarketplaceFixtures.template(
                    app, organization: org, author: author.id, slug: String(format: "page-%02d", index), forks: index % 4,
                    createdAt: MarketplaceFixtures.days(Double(index % 5), before: now))
                if index % 7 == 0 { try await MarketplaceFixtures.deployments(app, of: template, count: 1) }
            }
            for sort in TemplateSort.allCases {
                var seen: [String] = []
                var cursor: String?
                var sizes: [Int] = []
                repeat {
                    let query = "?sort=\(sort.rawValue)" + (cursor.map { "&cursor=" + $0 } ?? "")
                    let json = try AccountDataTests.json(try await get(app, "/v1/templates" + query))
                    let page = (json["templates"] as? [[String: Any]] ?? []).compactMap { $0["slug"] as? String }
                    sizes.append(page.count)
                    seen += page
                    cursor = json["nextCursor"] as? String
                    // a template published meanwhile does not shift what follows
                    if sizes.count == 1 {
                        try await MarketplaceFixtures.template(app, organization: org, author: author.id, slug: "late-\(sort.rawValue)",
                                                               forks: 0, createdAt: MarketplaceFixtures.days(30, before: now))
                    }
                } while cursor != nil && sizes.count < 10
                #expect(sizes.prefix(2) == [20, 20], "\(sort)")
                #expect(Set(seen).count == seen.count, "\(sort): no template twice")
                #expect(Set(seen).isSuperset(of: (0..<45).map { String(format: "page-%02d", $0) }), "\(sort): none skipped")
                // a cursor belongs to its order
                let first = try AccountDataTests.json(try await get(app, "/v1/templates?sort=\(sort.rawValue)"))
                let next = try #require(first["nextCursor"] as? String)
                let other = sort == .top ? "newest" : "top"
                #expect(try await get(app, "/v1/templates?sort=\(other)&cursor=\(next)").status == .badRequest)
            }
        }
    }

    @Test func searchTermsAreWordsOnly() {
        let query = TemplateSearchQuery(#"NEAR("open" weath*) -x: it's"#)
        #expect(query.terms == ["near", "open", "weath", "x", "it", "s"])
        #expect(query.fts5Query == #""near" "open" "weath" "x" "it" "s"*"#)
        #expect(query.postgresTSQuery == "'near' & 'open' & 'weath' & 'x' & 'it' & 's':*")
        #expect(TemplateSearchQuery(#"" * - ( ) :"#).isEmpty)
        #expect(TemplateSearchQuery(String(repeating: "word ", count: 50)).terms.count == TemplateSearchQuery.maxTerms)
    }
}

@Suite("Template authors in public: a chosen display name, never an address or its local part")
struct TemplateAuthorTests {
    @Test("a new account's default name (its email's local part) is anonymous; a chosen one shows; a deleted author is a former member")
    func publicName() {
        #expect(TemplateAuthor.publicName("grace.h", email: "grace.h@example.com") == TemplateAuthor.anonymous)
        #expect(TemplateAuthor.publicName("Grace.H", email: "grace.h@example.com") == TemplateAuthor.anonymous)
        #expect(TemplateAuthor.publicName("grace.h@example.com", email: "grace.h@example.com") == TemplateAuthor.anonymous)
        #expect(TemplateAuthor.publicName("Grace Hopper", email: "grace.h@example.com") == "Grace Hopper")
        #expect(TemplateAuthor.publicName("  ", email: nil) == TemplateAuthor.anonymous)
        #expect(TemplateAuthor.publicName(nil, email: nil) == "A former member")
    }

    @Test("the listing API and the template page follow the author's display name", arguments: TestDatabase.all)
    func listedName(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, email) = try await AccountDataTests.signedIn(app)
            #expect(try await Publishing.publish(browser, try await Publishing.serverWithSecret(browser)).status == .created)
            func listed() async throws -> String? {
                let list = try AccountDataTests.json(try await app.testing().sendRequest(.GET, "/v1/templates"))
                return (list["templates"] as? [[String: Any]])?.first?["author"] as? String
            }
            let localPart = String(email.split(separator: "@")[0])
            #expect(try await listed() == TemplateAuthor.anonymous)
            let page = try await app.testing().sendRequest(.GET, "/templates/weather-forecasts").body.string
            #expect(page.contains(TemplateAuthor.anonymous) && !page.contains(localPart))
            // when they choose a name
            #expect(try await browser.postObject("/v1/account/profile", ["displayName": "Weather Wizards"], method: .PATCH).status == .ok)
            #expect(try await listed() == "Weather Wizards")
        }
    }
}
