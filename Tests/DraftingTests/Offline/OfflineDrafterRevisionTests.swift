import Core
import Drafting
import Testing

@Suite struct OfflineDrafterRevisionTests {
    private func revise(_ spec: ServerSpec, _ prompt: String, name: String? = nil, slug: String? = nil) async throws -> ServerSpec {
        try await OfflineDrafting.drafter.draft(OfflineDrafting.request(prompt, name: name, slug: slug, revising: spec)).spec
    }

    @Test func addingARecipeKeepsWhatWasThere() async throws {
        // given
        let original = try await OfflineDrafting.draft("weather forecasts")
        // when
        let revised = try await revise(original, "Also add GitHub issues")
        // then
        #expect(OfflineDrafting.recipeIDs(in: revised) == ["weather", "github"])
        #expect(Array(revised.tools.prefix(original.tools.count)) == original.tools)
        #expect(revised.requiredSecrets.map(\.key) == ["GITHUB_TOKEN"])
        #expect(revised.allowedDomains == ["api.github.com", "api.open-meteo.com", "geocoding-api.open-meteo.com"])
        #expect(revised.slug == original.slug)
        #expect(OfflineDrafting.issues(in: revised).isEmpty)
    }

    @Test func removingARecipeDropsItsToolsSecretsAndDomains() async throws {
        // given
        let original = try await OfflineDrafting.draft("weather and slack messages")
        // when
        let revised = try await revise(original, "remove slack")
        // then
        #expect(OfflineDrafting.recipeIDs(in: revised) == ["weather"])
        #expect(revised.requiredSecrets.isEmpty)
        #expect(revised.allowedDomains == ["api.open-meteo.com", "geocoding-api.open-meteo.com"])
        #expect(OfflineDrafting.issues(in: revised).isEmpty)
    }

    @Test(arguments: [
        "Drop Slack and add Wikipedia search instead",
        "Slack entfernen und Wikipedia hinzufügen",
        "Supprime Slack, ajoute Wikipedia",
    ])
    func oneRequestCanAddAndRemove(prompt: String) async throws {
        // given
        let original = try await OfflineDrafting.draft("weather and slack messages")
        // when
        let revised = try await revise(original, prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: revised) == ["weather", "wikipedia"])
    }

    @Test func removingSeveralRecipesAtOnce() async throws {
        // given
        let original = try await OfflineDrafting.draft("weather, slack messages and github issues")
        // when
        let revised = try await revise(original, "remove slack and github")
        // then
        #expect(OfflineDrafting.recipeIDs(in: revised) == ["weather"])
        #expect(revised.requiredSecrets.isEmpty)
    }

    @Test func toolsNamesAndDescriptionsThePersonWroteStay() async throws {
        // given
        var original = try await OfflineDrafting.draft("weather forecasts")
        original.name = "Garden helper"
        original.description = "Tells me when to water the garden."
        original.tools.append(
            ToolSpec(
                name: "soil_moisture",
                description: "Soil moisture from my sensor.",
                inputSchema: ["type": "object", "properties": [:]],
                implementation: "const response = await ctx.fetch(\"https://sensors.example.com/soil\");\nreturn await response.json();"
            )
        )
        original.allowedDomains = (original.allowedDomains + ["sensors.example.com"]).sorted()
        // when
        let revised = try await revise(original, "add currency rates, remove the weather")
        // then
        #expect(revised.tools.map(\.name).contains("soil_moisture"))
        #expect(OfflineDrafting.recipeIDs(in: revised) == ["currency"])
        #expect(revised.name == "Garden helper")
        #expect(revised.description == "Tells me when to water the garden.")
        #expect(revised.allowedDomains == ["api.frankfurter.app", "sensors.example.com"])
        #expect(OfflineDrafting.issues(in: revised).isEmpty)
    }

    @Test func aDerivedNameAndDescriptionFollowTheRecipes() async throws {
        // given
        let original = try await OfflineDrafting.draft("weather forecasts")
        // when
        let revised = try await revise(original, "also add hacker news")
        // then
        #expect(revised.name == "Weather and Hacker News")
        #expect(revised.description.contains("Hacker News:"))
        #expect(revised.slug == "weather")
    }

    @Test func aRecipeAlreadyThereIsNotAddedTwice() async throws {
        // given
        let original = try await OfflineDrafting.draft("github issues")
        // when
        let revised = try await revise(original, "add github pull requests too")
        // then
        #expect(revised == original)
    }

    @Test func aRequestTheCatalogCannotActOnLeavesTheSpecUnchanged() async throws {
        // given
        let original = try await OfflineDrafting.draft("weather forecasts")
        // when
        let revised = try await revise(original, "make the descriptions friendlier")
        // then
        #expect(revised == original)
    }

    @Test func removingEveryToolIsRefused() async throws {
        // given
        let original = try await OfflineDrafting.draft("weather forecasts")
        // when
        let attempt = { try await revise(original, "remove the weather") }
        // then
        await #expect(throws: DraftingError.self) { try await attempt() }
    }

    @Test func nameAndSlugGivenWithARevisionAreApplied() async throws {
        // given
        let original = try await OfflineDrafting.draft("weather forecasts")
        // when
        let revised = try await revise(original, "also add wikipedia", name: "Trip planner", slug: "trip-planner")
        // then
        #expect(revised.name == "Trip planner")
        #expect(revised.slug == "trip-planner")
    }
}
