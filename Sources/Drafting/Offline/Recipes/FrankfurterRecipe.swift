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
                implementation: #"""
                const from = args.from.toUpperCase();
                const targets = (args.to ?? []).map((code) => code.toUpperCase()).filter((code) => code !== from);
                if ((args.to ?? []).length > 0 && targets.length === 0) {
                  return { amount: args.amount, from, converted: { [from]: args.amount } };
                }
                const url = new URL(`https://api.frankfurter.app/${args.date ?? "latest"}`);
                url.searchParams.set("amount", String(args.amount));
                url.searchParams.set("from", from);
                if (targets.length > 0) {
                  url.searchParams.set("to", targets.join(","));
                }
                const response = await ctx.fetch(url.toString());
                if (response.status === 404 || response.status === 422) {
                  throw new Error(`Frankfurter does not know one of the currencies (${[from, ...targets].join(", ")}) or has no rate for that day. Use list_currencies to see the supported codes.`);
                }
                if (!response.ok) {
                  throw new Error(`Frankfurter answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const data = await response.json();
                return {
                  amount: data.amount,
                  from: data.base,
                  rateDate: data.date,
                  converted: data.rates,
                  source: "European Central Bank reference rates"
                };
                """#
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
                implementation: #"""
                const from = args.from.toUpperCase();
                const to = args.to.toUpperCase();
                if (from === to) {
                  throw new Error("Choose two different currencies.");
                }
                const url = new URL(`https://api.frankfurter.app/${args.start_date}..${args.end_date ?? ""}`);
                url.searchParams.set("from", from);
                url.searchParams.set("to", to);
                const response = await ctx.fetch(url.toString());
                if (!response.ok) {
                  throw new Error(`Frankfurter answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const data = await response.json();
                const series = Object.entries(data.rates).map(([date, rates]) => ({ date, rate: rates[to] }));
                if (series.length === 0) {
                  return `No rates were published between ${args.start_date} and ${args.end_date ?? "today"}.`;
                }
                const values = series.map((point) => point.rate);
                // Long ranges come back weekly; keep the answer small by sampling evenly.
                const step = Math.max(1, Math.ceil(series.length / 60));
                return {
                  pair: `${from}/${to}`,
                  first: series[0],
                  last: series[series.length - 1],
                  lowest: Math.min(...values),
                  highest: Math.max(...values),
                  changePercent: Number((((values[values.length - 1] - values[0]) / values[0]) * 100).toFixed(2)),
                  points: series.filter((_, index) => index % step === 0 || index === series.length - 1)
                };
                """#
            ),
            ToolSpec(
                name: "list_currencies",
                description: "Currency codes Frankfurter supports, with their names.",
                inputSchema: InputSchema.object([:]),
                implementation: #"""
                const response = await ctx.fetch("https://api.frankfurter.app/currencies");
                if (!response.ok) {
                  throw new Error(`Frankfurter answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                return await response.json();
                """#
            ),
        ]
    )
}

private enum CurrencySchema {
    static func code(_ description: String) -> JSONValue {
        InputSchema.string(description, pattern: "^[A-Za-z]{3}$")
    }
}
