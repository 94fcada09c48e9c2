async function list_currencies(args, ctx) {
const response = await ctx.fetch("https://api.frankfurter.app/currencies");
if (!response.ok) {
  throw new Error(`Frankfurter answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
return await response.json();
}
