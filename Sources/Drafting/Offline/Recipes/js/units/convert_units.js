async function convert_units(args, ctx) {
const from = find(args.from);
const to = find(args.to);
if (from.kind !== to.kind) {
  throw new Error(`${from.unit} is a unit of ${from.kind} and ${to.unit} of ${to.kind}; they cannot be converted.`);
}
let result;
if (from.kind === "temperature") {
  result = fromKelvin[to.unit](toKelvin[from.unit](args.value));
} else {
  result = (args.value * tables[from.kind][from.unit]) / tables[to.kind][to.unit];
}
const rounded = Number(result.toPrecision(10));
return {
  kind: from.kind,
  value: args.value,
  from: from.unit,
  to: to.unit,
  result: rounded,
  text: `${args.value} ${from.unit} = ${rounded} ${to.unit}`
};
}
