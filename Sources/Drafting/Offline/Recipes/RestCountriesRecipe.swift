import Core

extension Recipe {
    /// REST Countries v3.1, no key. Responses are trimmed with `fields` to keep them small.
    static let countries = Recipe(
        id: "countries",
        title: "Countries",
        summary: "Countries: facts about any country (capital, population, area, languages, currencies, time zones) and the countries of a region.",
        strong: ["rest countries", "restcountries", "country facts", "country information", "country info", "country data", "geography"],
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
                implementation: #"""
                const fields = "name,cca2,capital,region,subregion,population,area,languages,currencies,timezones";
                const query = args.country.trim();
                const isCode = /^[A-Za-z]{2,3}$/.test(query);
                const lookup = async (path) => {
                  const response = await ctx.fetch(`https://restcountries.com/v3.1/${path}?fields=${fields}`);
                  // Unknown names answer 404 and malformed codes 400: both mean "no such country".
                  if (response.status === 404 || response.status === 400) {
                    return [];
                  }
                  if (!response.ok) {
                    throw new Error(`REST Countries answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                  }
                  const data = await response.json();
                  return Array.isArray(data) ? data : [data];
                };
                let matches = isCode ? await lookup(`alpha/${encodeURIComponent(query)}`) : [];
                if (matches.length === 0) {
                  matches = await lookup(`name/${encodeURIComponent(query)}`);
                }
                if (matches.length === 0) {
                  return `No country matches "${args.country}".`;
                }
                const exact = matches.filter((country) => country.name.common.toLowerCase() === query.toLowerCase());
                return (exact.length > 0 ? exact : matches).slice(0, 5).map((country) => ({
                  name: country.name.common,
                  officialName: country.name.official,
                  code: country.cca2,
                  capital: (country.capital ?? []).join(", ") || undefined,
                  region: country.region,
                  subregion: country.subregion || undefined,
                  population: country.population,
                  areaKm2: country.area,
                  languages: Object.values(country.languages ?? {}),
                  currencies: Object.entries(country.currencies ?? {}).map(([code, currency]) => `${code} (${currency.name})`),
                  timezones: country.timezones
                }));
                """#
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
                implementation: #"""
                const response = await ctx.fetch(`https://restcountries.com/v3.1/region/${args.region}?fields=name,cca2,capital,population,subregion`);
                if (!response.ok) {
                  throw new Error(`REST Countries answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const countries = await response.json();
                return {
                  region: args.region,
                  count: countries.length,
                  countries: countries
                    .sort((a, b) => b.population - a.population)
                    .slice(0, args.limit ?? 60)
                    .map((country) => ({
                      name: country.name.common,
                      code: country.cca2,
                      capital: (country.capital ?? []).join(", ") || undefined,
                      subregion: country.subregion || undefined,
                      population: country.population
                    }))
                };
                """#
            ),
        ]
    )
}
