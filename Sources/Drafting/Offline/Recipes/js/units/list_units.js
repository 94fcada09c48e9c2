async function list_units(args, ctx) {
const kinds = args.kind ? [args.kind] : [...Object.keys(tables), "temperature"];
const listing = {};
for (const kind of kinds) {
  const units = kind === "temperature" ? Object.keys(toKelvin) : Object.keys(tables[kind]);
  listing[kind] = units.map((unit) => ({
    unit,
    alsoAccepted: Object.entries(aliases).filter(([, target]) => target === unit).map(([alias]) => alias)
  }));
}
return listing;
}
