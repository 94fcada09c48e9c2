async function next_public_holidays(args, ctx) {
const country = args.country_code.toUpperCase();
const response = await ctx.fetch(`https://date.nager.at/api/v3/NextPublicHolidays/${country}`);
const holidays = await read(response, country);
return { country, holidays: holidays.slice(0, args.limit ?? 5).map(shape) };
}
