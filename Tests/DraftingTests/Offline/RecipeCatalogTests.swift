import Core
import Drafting
import Testing

@Suite struct RecipeCatalogTests {
    @Test func theCatalogHasAtLeastTwelveRecipesWithUniqueIdsAndToolNames() {
        // given
        let catalog = OfflineDrafter.catalog
        // when
        let ids = catalog.map(\.id)
        let toolNames = catalog.flatMap(\.toolNames)
        // then
        #expect(catalog.count >= 12)
        #expect(Set(ids).count == ids.count)
        #expect(Set(toolNames).count == toolNames.count)
        #expect(catalog.allSatisfy { (1...3).contains($0.tools.count) })
    }

    @Test(arguments: OfflineDrafter.catalog.map(\.id))
    func everyRecipeOnItsOwnIsAValidSpecWithoutFindings(id: String) throws {
        // given
        let recipe = try #require(OfflineDrafter.recipe(id: id))
        // when
        let spec = ServerSpec(
            name: recipe.title,
            slug: "recipe",
            description: recipe.summary,
            tools: recipe.tools,
            requiredSecrets: recipe.requiredSecrets,
            allowedDomains: recipe.allowedDomains
        )
        // then
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
    }

    @Test(arguments: OfflineDrafter.catalog.map(\.id))
    func everyHostTheCodeFetchesIsAllowedAndEveryAllowedHostIsUsed(id: String) throws {
        // given
        let recipe = try #require(OfflineDrafter.recipe(id: id))
        let code = recipe.tools.map(\.implementation).joined(separator: "\n")
        // when
        let fetched = Self.fetchedHosts(in: code)
        // then
        for host in fetched {
            #expect(recipe.allowedDomains.contains { Self.domain($0, allows: host) }, "\(host) is fetched but not allowed")
        }
        for domain in recipe.allowedDomains where domain != "*" {
            #expect(fetched.contains { Self.domain(domain, allows: $0) }, "\(domain) is allowed but never fetched")
        }
        if recipe.allowedDomains.isEmpty {
            #expect(!code.contains("ctx.fetch"))
        }
    }

    @Test(arguments: OfflineDrafter.catalog.map(\.id))
    func everyDeclaredSecretIsReadByTheCode(id: String) throws {
        // given
        let recipe = try #require(OfflineDrafter.recipe(id: id))
        let code = recipe.tools.map(\.implementation).joined(separator: "\n")
        // then
        for secret in recipe.requiredSecrets {
            #expect(code.contains("ctx.secrets.\(secret.key)"))
            #expect(secret.howToGetUrl.map { $0.hasPrefix("https://") } ?? true)
        }
    }

    /// Hosts of the literal https URLs passed to `ctx.fetch` or `new URL`, with template
    /// parts such as `${language}` kept as written.
    static func fetchedHosts(in code: String) -> Set<String> {
        var hosts: Set<String> = []
        var rest = Substring(code)
        while let scheme = rest.range(of: "https://") {
            let before = rest[..<scheme.lowerBound].suffix(12)
            let host = rest[scheme.upperBound...].prefix { !"/\"`?'".contains($0) }
            if before.hasSuffix("fetch(\"") || before.hasSuffix("fetch(`") || before.hasSuffix("URL(\"") || before.hasSuffix("URL(`") {
                hosts.insert(String(host))
            }
            rest = rest[scheme.upperBound...]
        }
        return hosts
    }

    static func domain(_ domain: String, allows host: String) -> Bool {
        domain == "*" || domain == host || (domain.hasPrefix("*.") && host.hasSuffix(domain.dropFirst()))
    }
}
