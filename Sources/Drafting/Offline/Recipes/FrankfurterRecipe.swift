import Core

extension Recipe {
    /// Frankfurter: European Central Bank reference rates, no key. Rates are published on
    /// working days around 16:00 CET, so "latest" can be yesterday's.
    static let currency = Recipe(
        id: "currency",
        title: "Currency rates",
        summary: "Currency rates: convert amounts and look up current or historical exchange rates (ECB reference rates via Frankfurter, no key needed).",
        strong: [
            "currency", "currencies", "exchange rate", "forex", "fx", "frankfurter", "wahrung", "wechselkurs",
            "devise", "taux de change", "moneda", "divisa", "tipo de cambio", "tasa de cambio",
        ],
        weak: ["exchange", "rate", "euro", "dollar", "usd", "eur", "gbp", "yen", "chf", "money", "geld", "argent", "dinero", "cambio"],
        allowedDomains: ["api.frankfurter.app"],
        tools: [
            ToolSpec(
                name: "convert_currency",
                description: "Convert an amount from one currency to one or more others at the latest (or a given day's) ECB reference rate.",
                inputSchema: InputSchema.object(
                    [
                        "amount": InputSchema.number("Amount to convert", minimum: 0),
                        "from": CurrencySchema.code("Currency to convert from, e.g. USD"),
                        "to": InputSchema.array("Currencies to convert to, e.g. [\"EUR\", \"GBP\"]; all when empty", items: CurrencySchema.code("Currency code")),
                        "date": InputSchema.string("Use the rate of this day (YYYY-MM-DD, from 1999-01-04) instead of the latest", format: "date"),
                    ],
                    required: ["amount", "from"]
                ),
                implementation: RecipeCode.load(recipe: "currency", tool: "convert_currency")
            ),
            ToolSpec(
                name: "exchange_rate_history",
                description: "Daily exchange rates between two currencies over a date range (working days only), with the first, last, lowest and highest rate.",
                inputSchema: InputSchema.object(
                    [
                        "from": CurrencySchema.code("Base currency, e.g. EUR"),
                        "to": CurrencySchema.code("Quote currency, e.g. USD"),
                        "start_date": InputSchema.string("First day, YYYY-MM-DD", format: "date"),
                        "end_date": InputSchema.string("Last day, YYYY-MM-DD; today when omitted", format: "date"),
                    ],
                    required: ["from", "to", "start_date"]
                ),
                implementation: RecipeCode.load(recipe: "currency", tool: "exchange_rate_history")
            ),
            ToolSpec(
                name: "list_currencies",
                description: "Currency codes Frankfurter supports, with their names.",
                inputSchema: InputSchema.object([:]),
                implementation: RecipeCode.load(recipe: "currency", tool: "list_currencies")
            ),
        ]
    )
}

private enum CurrencySchema {
    static func code(_ description: String) -> JSONValue {
        InputSchema.string(description, pattern: "^[A-Za-z]{3}$")
    }
}
