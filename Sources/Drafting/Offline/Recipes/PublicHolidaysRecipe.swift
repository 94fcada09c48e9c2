import Core

extension Recipe {
    /// Nager.Date public holidays, no key. Unknown countries answer 404; countries without
    /// data for a year answer 204 with no body.
    static let publicHolidays = Recipe(
        id: "holidays",
        title: "Public holidays",
        summary: "Public holidays: a country's public holidays for a year and the next ones coming up (Nager.Date, no key needed).",
        strong: [
            "holiday", "holidays", "public holiday", "bank holiday", "feiertag", "feiertage", "ferie", "jours feries",
            "jour ferie", "feriado", "feriados", "festivo", "festivos", "nager",
        ],
        weak: ["vacation", "day off", "days off", "calendar", "kalender", "calendrier", "calendario", "working days"],
        allowedDomains: ["date.nager.at"],
        tools: [
            ToolSpec(
                name: "public_holidays",
                description: "All public holidays of a country in a year, with local and English names and the regions they apply to.",
                inputSchema: InputSchema.object(
                    [
                        "country_code": HolidaySchema.countryCode,
                        "year": InputSchema.integer("Year; the current year when omitted", minimum: 1975, maximum: 2075),
                    ],
                    required: ["country_code"]
                ),
                implementation: RecipeCode.load(recipe: "holidays", tool: "public_holidays", prelude: "shape")
            ),
            ToolSpec(
                name: "next_public_holidays",
                description: "The next public holidays of a country, from today over the coming year.",
                inputSchema: InputSchema.object(
                    [
                        "country_code": HolidaySchema.countryCode,
                        "limit": InputSchema.integer("Maximum number of holidays", minimum: 1, maximum: 30, default: 5),
                    ],
                    required: ["country_code"]
                ),
                implementation: RecipeCode.load(recipe: "holidays", tool: "next_public_holidays", prelude: "shape")
            ),
        ]
    )
}

private enum HolidaySchema {
    static let countryCode = InputSchema.string("ISO 3166-1 alpha-2 country code, e.g. DE, FR, US", pattern: "^[A-Za-z]{2}$")
}
