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
                implementation: HolidayCode.shape + #"""

                const year = args.year ?? new Date().getUTCFullYear();
                const country = args.country_code.toUpperCase();
                const response = await ctx.fetch(`https://date.nager.at/api/v3/PublicHolidays/${year}/${country}`);
                const holidays = await read(response, country);
                return { country, year, count: holidays.length, holidays: holidays.map(shape) };
                """#
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
                implementation: HolidayCode.shape + #"""

                const country = args.country_code.toUpperCase();
                const response = await ctx.fetch(`https://date.nager.at/api/v3/NextPublicHolidays/${country}`);
                const holidays = await read(response, country);
                return { country, holidays: holidays.slice(0, args.limit ?? 5).map(shape) };
                """#
            ),
        ]
    )
}

private enum HolidaySchema {
    static let countryCode = InputSchema.string("ISO 3166-1 alpha-2 country code, e.g. DE, FR, US", pattern: "^[A-Za-z]{2}$")
}

private enum HolidayCode {
    /// Defines `read(response, country)`, which returns the holiday list or throws, and `shape(holiday)`.
    static let shape = #"""
        const read = async (response, country) => {
          if (response.status === 404) {
            throw new Error(`Nager.Date has no holiday data for the country code ${country}.`);
          }
          if (response.status === 204) {
            return [];
          }
          if (!response.ok) {
            throw new Error(`Nager.Date answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
          }
          return await response.json();
        };
        const shape = (holiday) => ({
          date: holiday.date,
          name: holiday.name,
          localName: holiday.localName !== holiday.name ? holiday.localName : undefined,
          regions: holiday.global || !holiday.counties ? "nationwide" : holiday.counties.join(", "),
          types: holiday.types
        });
        """#
}
