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
                implementation: TimeZoneCode.helpers + #"""

                const now = Date.now();
                if (args.zones.length === 0) {
                  throw new Error("Name at least one time zone, e.g. Europe/Berlin.");
                }
                return {
                  utc: new Date(now).toISOString().slice(0, 19) + "Z",
                  zones: args.zones.map((zone) => describe(now, zone))
                };
                """#
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
                implementation: TimeZoneCode.helpers + #"""

                const [datePart, clock] = args.time.includes(":") && args.time.length > 5
                  ? [args.time.slice(0, 10), args.time.slice(11)]
                  : [null, args.time];
                const [hour, minute] = clock.split(":").map(Number);
                if (hour > 23 || minute > 59) {
                  throw new Error(`${clock} is not a valid time of day.`);
                }
                let year, month, day;
                if (datePart) {
                  [year, month, day] = datePart.split("-").map(Number);
                } else {
                  const today = partsAt(Date.now(), args.from_zone);
                  ({ year, month, day } = today);
                }

                // The instant whose wall-clock time in from_zone is the one asked for: start
                // from the same digits read as UTC, subtract the zone's offset, and correct once
                // in case the offset differs at the resulting instant (around DST changes).
                const wall = Date.UTC(year, month - 1, day, hour, minute);
                if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== day) {
                  throw new Error(`${datePart} is not a valid date.`);
                }
                let instant = wall - offsetMinutes(wall, args.from_zone) * 60000;
                instant = wall - offsetMinutes(instant, args.from_zone) * 60000;
                const source = describe(instant, args.from_zone);
                const sourceDay = source.local.slice(0, 10);
                return {
                  from: source,
                  note: source.local.slice(11, 16) === clock ? undefined : `${clock} does not exist in ${args.from_zone} that day (clocks moved forward); shown is the same instant.`,
                  utc: new Date(instant).toISOString().slice(0, 16) + "Z",
                  to: args.to_zones.map((zone) => {
                    const target = describe(instant, zone);
                    const targetDay = target.local.slice(0, 10);
                    return {
                      ...target,
                      dayChange: targetDay === sourceDay ? "same day" : targetDay > sourceDay ? "next day" : "previous day"
                    };
                  })
                };
                """#
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

private enum TimeZoneCode {
    /// Defines `partsAt(ms, zone)`, `offsetMinutes(ms, zone)` and `describe(ms, zone)`;
    /// unknown zones throw an error that names them.
    static let helpers = #"""
        const formatters = new Map();
        const formatterFor = (zone) => {
          if (!formatters.has(zone)) {
            try {
              formatters.set(zone, new Intl.DateTimeFormat("en-US", {
                timeZone: zone, hourCycle: "h23", weekday: "long",
                year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"
              }));
            } catch {
              throw new Error(`Unknown time zone "${zone}". Use an IANA name such as Europe/Berlin or America/New_York.`);
            }
          }
          return formatters.get(zone);
        };
        const partsAt = (ms, zone) => {
          const parts = {};
          for (const part of formatterFor(zone).formatToParts(new Date(ms))) {
            parts[part.type] = part.value;
          }
          return {
            year: Number(parts.year), month: Number(parts.month), day: Number(parts.day),
            hour: Number(parts.hour) % 24, minute: Number(parts.minute), second: Number(parts.second),
            weekday: parts.weekday
          };
        };
        const offsetMinutes = (ms, zone) => {
          const p = partsAt(ms, zone);
          const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
          return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
        };
        const pad = (number) => String(number).padStart(2, "0");
        const describe = (ms, zone) => {
          const p = partsAt(ms, zone);
          const offset = offsetMinutes(ms, zone);
          const sign = offset < 0 ? "-" : "+";
          return {
            zone,
            local: `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`,
            weekday: p.weekday,
            utcOffset: `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
          };
        };
        """#
}
