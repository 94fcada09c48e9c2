async function convert_currency(args, ctx) {
const from = args.from.toUpperCase();
const targets = (args.to ?? []).map((code) => code.toUpperCase()).filter((code) => code !== from);
if ((args.to ?? []).length > 0 && targets.length === 0) {
  return { amount: args.amount, from, converted: { [from]: args.amount } };
}
const url = new URL(`https://api.frankfurter.app/${args.date ?? "latest"}`);
url.searchParams.set("amount", String(args.amount));
url.searchParams.set("from", from);
if (targets.length > 0) {
  url.searchParams.set("to", targets.join(","));
}
const response = await ctx.fetch(url.toString());
if (response.status === 404 || response.status === 422) {
  throw new Error(`Frankfurter does not know one of the currencies (${[from, ...targets].join(", ")}) or has no rate for that day. Use list_currencies to see the supported codes.`);
}
if (!response.ok) {
  throw new Error(`Frankfurter answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const data = await response.json();
return {
  amount: data.amount,
  from: data.base,
  rateDate: data.date,
  converted: data.rates,
  source: "European Central Bank reference rates"
};
}
