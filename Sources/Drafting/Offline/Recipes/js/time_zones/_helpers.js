// Defines `partsAt(ms, zone)`, `offsetMinutes(ms, zone)` and `describe(ms, zone)`;
// unknown zones throw an error that names them.
async function _helpers(args, ctx) {
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
}
