import Core

extension Recipe {
    /// Time zone arithmetic with Intl.DateTimeFormat and the IANA database built into the
    /// JavaScript engine; no network.
    static let timeZones = Recipe(
        id: "time_zones",
        title: "Time zones",
        summary: "Time zones: the current time anywhere and converting a time between IANA time zones, daylight saving included.",
        strong: [
            "time zone", "time zones", "timezone", "zeitzone", "fuseau horaire", "fuseaux horaires", "zona horaria",
            "zonas horarias", "fuso orario", "world clock", "weltzeit", "local time", "iana", "utc offset", "daylight saving",
            "what time is it", "current time", "wie spät", "quelle heure",
        ],
        weak: ["time", "clock", "utc", "gmt", "meeting", "uhrzeit", "heure", "hora", "schedule", "convert", "dst"],
        tools: [
            ToolSpec(
                name: "current_time",
                description: "The current date and time in one or more IANA time zones, with UTC offsets and weekdays.",
                inputSchema: InputSchema.object(
                    [
                        "zones": InputSchema.array("IANA time zone names, e.g. [\"Europe/Berlin\", \"Asia/Tokyo\"]", items: TimeZoneSchema.zone),
                    ],
                    required: ["zones"]
                ),
                implementation: RecipeCode.load(recipe: "time_zones", tool: "current_time", prelude: "helpers")
            ),
            ToolSpec(
                name: "convert_time",
                description: "Convert a wall-clock time in one IANA time zone to the local times in other zones, with UTC offsets and whether the day changes.",
                inputSchema: InputSchema.object(
                    [
                        "time": InputSchema.string(
                            "Local time in from_zone: HH:MM for today there, or YYYY-MM-DDTHH:MM",
                            pattern: #"^(\d{4}-\d{2}-\d{2}[T ])?\d{2}:\d{2}$"#
                        ),
                        "from_zone": TimeZoneSchema.zone,
                        "to_zones": InputSchema.array("IANA time zones to convert to", items: TimeZoneSchema.zone),
                    ],
                    required: ["time", "from_zone", "to_zones"]
                ),
                implementation: RecipeCode.load(recipe: "time_zones", tool: "convert_time", prelude: "helpers")
            ),
        ]
    )
}

private enum TimeZoneSchema {
    static let zone = InputSchema.string(
        "IANA time zone name, e.g. Europe/Paris, America/New_York or UTC",
        minLength: 1,
        maxLength: 64,
        pattern: "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"
    )
}
