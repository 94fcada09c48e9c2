import Core
import Drafting
import Testing

@Suite struct OfflineDrafterSelectionTests {
    /// One plain request per recipe, each naming only that recipe.
    static let promptPerRecipe: [(id: String, prompt: String)] = [
        ("weather", "I want the weather forecast for the places I travel to"),
        ("github", "Manage GitHub issues and pull requests in my repositories"),
        ("notion", "Search my Notion workspace and read pages"),
        ("slack", "Post messages to our Slack channels"),
        ("linear", "Create tickets in Linear and see what is in the backlog"),
        ("hacker_news", "What is trending on Hacker News today"),
        ("wikipedia", "Look things up on Wikipedia"),
        ("currency", "Convert money between currencies at today's exchange rates"),
        ("rss", "Read the latest posts from my favourite RSS feeds"),
        ("http_api", "Call our internal REST API with a bearer token"),
        ("time_zones", "Convert meeting times between time zones"),
        ("units", "Unit conversion: miles to kilometres and pounds to kilograms"),
        ("text_statistics", "Count words and estimate the reading time of my essays"),
        ("countries", "Facts about a country such as its capital and population"),
        ("books", "Find books by author or ISBN"),
        ("npm", "Look up npm packages and their weekly downloads"),
        ("holidays", "Which public holidays are coming up in my country"),
        ("calculator", "A calculator that adds two numbers"),
    ]

    /// Everyday wordings a reviewer typed that fell back to the generic JSON API draft.
    @Test(arguments: [
        ("countries", "Look up information about countries"),
        ("time_zones", "What time is it in Tokyo?"),
        ("time_zones", "Tell me the current time in New York and London"),
        // The example people try first: it drafted the generic JSON API (any host, a token) with no way to add.
        ("calculator", "a calculator that adds two numbers"),
        ("calculator", "Do some math: multiply and divide numbers"),
    ])
    func everydayWordingsFindTheirRecipe(id: String, prompt: String) async throws {
        let spec = try await OfflineDrafting.draft(prompt)
        #expect(OfflineDrafting.recipeIDs(in: spec) == [id])
    }

    @Test func everyRecipeHasAPromptInTheTable() {
        // given
        let covered = Set(Self.promptPerRecipe.map(\.id))
        // when
        let missing = OfflineDrafter.catalog.map(\.id).filter { !covered.contains($0) }
        // then
        #expect(missing.isEmpty)
    }

    @Test(arguments: promptPerRecipe)
    func aPlainPromptSelectsItsRecipeAndTheDraftIsReadyToBuild(id: String, prompt: String) async throws {
        // given
        let recipe = try #require(OfflineDrafter.recipe(id: id))
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == [id])
        #expect(spec.tools == recipe.tools)
        #expect(spec.requiredSecrets == recipe.requiredSecrets)
        #expect(spec.allowedDomains == recipe.allowedDomains.sorted())
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
        #expect(spec.description.contains("Drafted offline"))
    }

    @Test func aCombinationPromptPicksBothRecipesAndMergesThem() async throws {
        // given
        let prompt = "Weather forecasts and GitHub issues for my team"
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == ["weather", "github"])
        #expect(spec.name == "Weather and GitHub")
        #expect(spec.slug == "weather-and-github")
        #expect(spec.requiredSecrets.map(\.key) == ["GITHUB_TOKEN"])
        #expect(spec.allowedDomains == ["api.github.com", "api.open-meteo.com", "geocoding-api.open-meteo.com"])
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
    }

    @Test func recipesAreNamedInTheOrderThePromptMentionsThem() async throws {
        // given
        let prompt = "Post to Slack when new Hacker News stories about Swift appear, and check the weather"
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == ["slack", "hacker_news", "weather"])
        #expect(spec.name == "Slack, Hacker News and Weather")
    }

    @Test(arguments: [
        ("Zeig mir die Wettervorhersage und die aktuellen Wechselkurse", ["weather", "currency"]),
        ("Je veux la météo et les jours fériés en France", ["weather", "holidays"]),
        ("Feiertage und Zeitzonen für unser Team in Berlin", ["holidays", "time_zones"]),
        ("Consultar el clima y el tipo de cambio del dólar", ["weather", "currency"]),
        ("Chercher des livres et lire des flux RSS", ["books", "rss"]),
    ])
    func promptsInOtherLanguagesSelectRecipes(prompt: String, expected: [String]) async throws {
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == expected)
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
    }

    @Test func aPromptThatMatchesNothingFallsBackToAGeneralStartingPoint() async throws {
        // given
        let prompt = "Help me look after my vegetable garden"
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == ["http_api", "text_statistics"])
        #expect(spec.description.hasPrefix("Nothing in the request matched a recipe of the offline catalog"))
        #expect(spec.description.contains("Drafted offline"))
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
    }

    @Test func anEmptyPromptAlsoFallsBack() async throws {
        // when
        let spec = try await OfflineDrafting.draft("   ")
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == ["http_api", "text_statistics"])
    }

    @Test func oneWeakWordIsNotEnoughToSelectARecipe() async throws {
        // given "channel" alone hints at Slack but does not name it
        let prompt = "Weather for the channel islands"
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == ["weather"])
    }

    @Test func atMostFourRecipesAreCombinedTakingTheFirstMentionedOnATie() async throws {
        // given
        let prompt = "Weather, GitHub, Slack, Notion, Wikipedia and npm in one server"
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == ["weather", "github", "slack", "notion"])
        #expect(OfflineDrafting.issues(in: spec).isEmpty)
    }

    @Test func aRecipeThePromptExcludesIsLeftOut() async throws {
        // given
        let prompt = "GitHub issues and pull requests, but without Slack"
        // when
        let spec = try await OfflineDrafting.draft(prompt)
        // then
        #expect(OfflineDrafting.recipeIDs(in: spec) == ["github"])
    }

    @Test func draftingIsDeterministic() async throws {
        // given
        let prompt = "currency rates, time zones and unit conversion for travellers"
        // when
        let first = try await OfflineDrafting.draft(prompt)
        let second = try await OfflineDrafting.draft(prompt)
        // then
        #expect(first == second)
        #expect(OfflineDrafting.recipeIDs(in: first) == ["currency", "time_zones", "units"])
    }

    @Test func theDrafterDescribesItselfAsOffline() async throws {
        // given
        let drafter = OfflineDrafter()
        // when
        let result = try await drafter.draft(OfflineDrafting.request("weather"))
        // then
        #expect(drafter.displayName == "Offline drafter")
        #expect(drafter.isOffline)
        #expect(drafter.supportsStreaming)
        #expect(result.model == "offline-catalog")
        #expect(OfflineDrafter.knownTopics.first == "Weather")
        #expect(OfflineDrafter.knownTopics.count == OfflineDrafter.catalog.count)
    }
}
