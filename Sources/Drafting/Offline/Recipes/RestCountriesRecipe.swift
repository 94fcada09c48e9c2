import Core

extension Recipe {
    /// REST Countries v3.1, no key. Responses are trimmed with `fields` to keep them small.
    static let countries = Recipe(
        id: "countries",
        title: "Countries",
        summary: "Countries: facts about any country (capital, population, area, languages, currencies, time zones) and the countries of a region.",
        strong: ["rest countries", "restcountries", "country facts", "country information", "country info", "country data", "geography",
                 "about countries", "about a country", "countries of the world", "country details"],
        weak: ["country", "countries", "capital", "capitals", "population", "region", "pays", "pais", "paises", "land", "lander", "hauptstadt", "capitale"],
        allowedDomains: ["restcountries.com"],
        tools: [
            ToolSpec(
                name: "country_info",
                description: "Facts about a country by name or ISO code: official name, capital, region, population, area, languages, currencies and time zones.",
                inputSchema: InputSchema.object(
                    [
                        "country": InputSchema.string("Country name in English (e.g. Japan) or ISO 3166-1 code (JP or JPN)", minLength: 2, maxLength: 100),
                    ],
                    required: ["country"]
                ),
                implementation: RecipeCode.load(recipe: "countries", tool: "country_info")
            ),
            ToolSpec(
                name: "countries_in_region",
                description: "The countries of a region with their capitals and populations, largest population first.",
                inputSchema: InputSchema.object(
                    [
                        "region": InputSchema.string("Region", choices: ["africa", "americas", "asia", "europe", "oceania", "antarctic"]),
                        "limit": InputSchema.integer("Maximum number of countries", minimum: 1, maximum: 100, default: 60),
                    ],
                    required: ["region"]
                ),
                implementation: RecipeCode.load(recipe: "countries", tool: "countries_in_region")
            ),
        ]
    )
}
