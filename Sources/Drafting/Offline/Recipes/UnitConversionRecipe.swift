import Core

extension Recipe {
    /// Unit conversion from exact factor tables (international yard and pound, US liquid
    /// measures); temperatures convert through kelvin. No network.
    static let unitConversion = Recipe(
        id: "units",
        title: "Unit conversion",
        summary: "Unit conversion: length, mass, volume, temperature, speed, area, time and data sizes, metric and imperial.",
        strong: [
            "unit conversion", "convert units", "unit converter", "units", "einheiten", "einheitenumrechnung", "umrechnung",
            "conversion d unites", "unites", "conversion de unidades", "unidades", "metric", "imperial",
        ],
        weak: [
            "convert", "conversion", "umrechnen", "convertir", "miles", "kilometer", "kilometre", "km", "celsius",
            "fahrenheit", "kelvin", "pounds", "kilograms", "kilogram", "kg", "inches", "feet", "litres", "liters",
            "gallons", "ounces", "mph", "cups",
        ],
        tools: [
            ToolSpec(
                name: "convert_units",
                description: "Convert a value between units of the same kind: length, mass, volume, temperature, speed, area, time or data size (e.g. 5 mi to km, 70 °F to °C, 2 cups to ml).",
                inputSchema: InputSchema.object(
                    [
                        "value": InputSchema.number("The amount to convert"),
                        "from": InputSchema.string("Unit to convert from: a symbol or name, e.g. mi, miles, °F, kg, cup", minLength: 1, maxLength: 40),
                        "to": InputSchema.string("Unit to convert to, e.g. km, celsius, lb, ml", minLength: 1, maxLength: 40),
                    ],
                    required: ["value", "from", "to"]
                ),
                implementation: RecipeCode.load(recipe: "units", tool: "convert_units", prelude: "unit_tables")
            ),
            ToolSpec(
                name: "list_units",
                description: "The units convert_units understands, by kind, with the names it accepts for each.",
                inputSchema: InputSchema.object(
                    [
                        "kind": InputSchema.string(
                            "Only this kind of unit",
                            choices: ["length", "mass", "volume", "temperature", "speed", "area", "time", "data"]
                        ),
                    ]
                ),
                implementation: RecipeCode.load(recipe: "units", tool: "list_units", prelude: "unit_tables")
            ),
        ]
    )
}
