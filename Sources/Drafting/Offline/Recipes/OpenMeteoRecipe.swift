import Core

extension Recipe {
    /// Open-Meteo: geocoding then forecast, no key.
    static let weather = Recipe(
        id: "weather",
        title: "Weather",
        summary: "Weather: current conditions and daily forecasts for any place, from Open-Meteo (no key needed).",
        strong: [
            "weather", "forecast", "open meteo", "openmeteo", "wetter", "wettervorhersage", "vorhersage",
            "meteo", "previsions meteo", "clima", "pronostico", "tempo previsto",
        ],
        weak: ["temperature", "rain", "snow", "wind", "sunny", "regen", "schnee", "pluie", "neige", "lluvia", "tiempo"],
        allowedDomains: ["api.open-meteo.com", "geocoding-api.open-meteo.com"],
        tools: [
            ToolSpec(
                name: "get_weather_forecast",
                description: "Daily weather forecast for a place: conditions, minimum and maximum temperature, precipitation and its probability, and maximum wind, for 1 to 16 days.",
                inputSchema: InputSchema.object(
                    [
                        "place": OpenMeteo.place,
                        "country_code": OpenMeteo.countryCode,
                        "days": InputSchema.integer("Number of days to forecast", minimum: 1, maximum: 16, default: 3),
                        "temperature_unit": OpenMeteo.temperatureUnit,
                    ],
                    required: ["place"]
                ),
                implementation: RecipeCode.load(recipe: "weather", tool: "get_weather_forecast", prelude: "geocoding")
            ),
            ToolSpec(
                name: "get_current_weather",
                description: "Weather right now at a place: conditions, temperature, feels-like temperature, humidity, precipitation and wind.",
                inputSchema: InputSchema.object(
                    [
                        "place": OpenMeteo.place,
                        "country_code": OpenMeteo.countryCode,
                        "temperature_unit": OpenMeteo.temperatureUnit,
                    ],
                    required: ["place"]
                ),
                implementation: RecipeCode.load(recipe: "weather", tool: "get_current_weather", prelude: "geocoding")
            ),
        ]
    )
}

/// Input pieces both weather tools share. Their shared code, js/weather/_geocoding.js, is
/// repeated in each implementation rather than imported: a tool's body can import nothing.
private enum OpenMeteo {
    static let place = InputSchema.string("Place name, e.g. Lisbon or Springfield", minLength: 1, maxLength: 100)
    static let countryCode = InputSchema.string(
        "Optional ISO 3166-1 alpha-2 country code to pick the right place, e.g. US",
        pattern: "^[A-Za-z]{2}$"
    )
    static let temperatureUnit = InputSchema.string("Temperature unit", choices: ["celsius", "fahrenheit"], default: "celsius")
}
