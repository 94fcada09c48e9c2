async function convert_time(args, ctx) {
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
}
