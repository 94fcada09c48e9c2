import Core

/// Key-shaped text built at run time, so no file in the repository contains anything that
/// looks like a real credential: the prefix of the format, then `filler` repeated.
func fakeKey(prefix: String, length: Int, filler: Character = "x") -> String {
    prefix + String(repeating: filler, count: length)
}

/// A small spec that passes every rule; tests change one field at a time.
func validSpec() -> ServerSpec {
    ServerSpec(
        name: "Weather",
        slug: "weather",
        description: "Daily weather forecasts for any city.",
        tools: [
            ToolSpec(
                name: "get_forecast",
                description: "Daily forecast for a city.",
                inputSchema: [
                    "type": "object",
                    "properties": [
                        "city": ["type": "string", "minLength": 1, "description": "City name, e.g. Lisbon"],
                        "days": ["type": "integer", "minimum": 1, "maximum": 16, "default": 3],
                    ],
                    "required": ["city"],
                    "additionalProperties": false,
                ],
                implementation: """
                    const url = new URL("https://api.example.com/v1/forecast");
                    url.searchParams.set("q", args.city);
                    const response = await ctx.fetch(url.toString(), {
                      headers: { "Authorization": `Bearer ${ctx.secrets.WEATHER_TOKEN}` }
                    });
                    if (!response.ok) throw new Error(`HTTP ${response.status}`);
                    return await response.json();
                    """
            ),
            ToolSpec(
                name: "count_words",
                description: "Count the words in a text.",
                inputSchema: ["type": "object", "properties": ["text": ["type": "string"]], "required": ["text"]],
                implementation: "return args.text.trim().split(/\\s+/).filter(Boolean).length;"
            ),
        ],
        requiredSecrets: [
            RequiredSecret(
                key: "WEATHER_TOKEN", description: "API token with read access.",
                howToGetUrl: "https://example.com/settings/tokens"
            )
        ],
        allowedDomains: ["api.example.com", "*.example.org", "xn--bcher-kva.de"]
    )
}
