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
                implementation: OpenMeteo.geocoding + #"""

                const forecastUrl = new URL("https://api.open-meteo.com/v1/forecast");
                forecastUrl.searchParams.set("latitude", String(place.latitude));
                forecastUrl.searchParams.set("longitude", String(place.longitude));
                forecastUrl.searchParams.set("daily", "weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,precipitation_probability_max,wind_speed_10m_max");
                forecastUrl.searchParams.set("timezone", "auto");
                forecastUrl.searchParams.set("forecast_days", String(args.days ?? 3));
                forecastUrl.searchParams.set("temperature_unit", args.temperature_unit ?? "celsius");

                const response = await ctx.fetch(forecastUrl.toString());
                if (!response.ok) {
                  throw new Error(`Open-Meteo forecast answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const data = await response.json();
                const daily = data.daily;
                return {
                  place: [place.name, place.admin1, place.country].filter(Boolean).join(", "),
                  timezone: data.timezone,
                  units: {
                    temperature: data.daily_units.temperature_2m_max,
                    precipitation: data.daily_units.precipitation_sum,
                    wind: data.daily_units.wind_speed_10m_max
                  },
                  days: daily.time.map((date, i) => ({
                    date,
                    conditions: conditions[daily.weather_code[i]] ?? `weather code ${daily.weather_code[i]}`,
                    min: daily.temperature_2m_min[i],
                    max: daily.temperature_2m_max[i],
                    precipitation: daily.precipitation_sum[i],
                    precipitationChancePercent: daily.precipitation_probability_max[i],
                    maxWind: daily.wind_speed_10m_max[i]
                  }))
                };
                """#
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
                implementation: OpenMeteo.geocoding + #"""

                const currentUrl = new URL("https://api.open-meteo.com/v1/forecast");
                currentUrl.searchParams.set("latitude", String(place.latitude));
                currentUrl.searchParams.set("longitude", String(place.longitude));
                currentUrl.searchParams.set("current", "weather_code,temperature_2m,apparent_temperature,relative_humidity_2m,precipitation,wind_speed_10m");
                currentUrl.searchParams.set("timezone", "auto");
                currentUrl.searchParams.set("temperature_unit", args.temperature_unit ?? "celsius");

                const response = await ctx.fetch(currentUrl.toString());
                if (!response.ok) {
                  throw new Error(`Open-Meteo forecast answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const data = await response.json();
                const now = data.current;
                const units = data.current_units;
                return {
                  place: [place.name, place.admin1, place.country].filter(Boolean).join(", "),
                  observedAt: now.time,
                  timezone: data.timezone,
                  conditions: conditions[now.weather_code] ?? `weather code ${now.weather_code}`,
                  temperature: `${now.temperature_2m} ${units.temperature_2m}`,
                  feelsLike: `${now.apparent_temperature} ${units.apparent_temperature}`,
                  humidity: `${now.relative_humidity_2m} ${units.relative_humidity_2m}`,
                  precipitation: `${now.precipitation} ${units.precipitation}`,
                  wind: `${now.wind_speed_10m} ${units.wind_speed_10m}`
                };
                """#
            ),
        ]
    )
}

/// Pieces both weather tools share. Each tool runs in a fresh context, so the shared
/// code is repeated in each implementation rather than imported.
private enum OpenMeteo {
    static let place = InputSchema.string("Place name, e.g. Lisbon or Springfield", minLength: 1, maxLength: 100)
    static let countryCode = InputSchema.string(
        "Optional ISO 3166-1 alpha-2 country code to pick the right place, e.g. US",
        pattern: "^[A-Za-z]{2}$"
    )
    static let temperatureUnit = InputSchema.string("Temperature unit", choices: ["celsius", "fahrenheit"], default: "celsius")

    /// Looks the place up and defines `place` and the WMO weather-code names as `conditions`.
    static let geocoding = #"""
        const conditions = {
          0: "clear sky", 1: "mainly clear", 2: "partly cloudy", 3: "overcast", 45: "fog", 48: "freezing fog",
          51: "light drizzle", 53: "drizzle", 55: "dense drizzle", 56: "freezing drizzle", 57: "freezing drizzle",
          61: "light rain", 63: "rain", 65: "heavy rain", 66: "freezing rain", 67: "heavy freezing rain",
          71: "light snow", 73: "snow", 75: "heavy snow", 77: "snow grains",
          80: "light rain showers", 81: "rain showers", 82: "violent rain showers", 85: "snow showers", 86: "heavy snow showers",
          95: "thunderstorm", 96: "thunderstorm with hail", 99: "thunderstorm with heavy hail"
        };

        const geoUrl = new URL("https://geocoding-api.open-meteo.com/v1/search");
        geoUrl.searchParams.set("name", args.place);
        geoUrl.searchParams.set("count", "1");
        geoUrl.searchParams.set("language", "en");
        geoUrl.searchParams.set("format", "json");
        if (args.country_code) {
          geoUrl.searchParams.set("countryCode", args.country_code.toUpperCase());
        }
        const geoResponse = await ctx.fetch(geoUrl.toString());
        if (!geoResponse.ok) {
          throw new Error(`Open-Meteo geocoding answered HTTP ${geoResponse.status}: ${(await geoResponse.text()).slice(0, 200)}`);
        }
        const place = (await geoResponse.json()).results?.[0];
        if (!place) {
          return `No place called "${args.place}" was found. Try the nearest larger town or add a country code.`;
        }
        """#
}
