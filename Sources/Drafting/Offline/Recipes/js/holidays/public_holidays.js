async function public_holidays(args, ctx) {
const year = args.year ?? new Date().getUTCFullYear();
const country = args.country_code.toUpperCase();
const response = await ctx.fetch(`https://date.nager.at/api/v3/PublicHolidays/${year}/${country}`);
const holidays = await read(response, country);
return { country, year, count: holidays.length, holidays: holidays.map(shape) };
}
