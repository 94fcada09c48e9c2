async function countries_in_region(args, ctx) {
const response = await ctx.fetch(`https://restcountries.com/v3.1/region/${args.region}?fields=name,cca2,capital,population,subregion`);
if (!response.ok) {
  throw new Error(`REST Countries answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const countries = await response.json();
return {
  region: args.region,
  count: countries.length,
  countries: countries
    .sort((a, b) => b.population - a.population)
    .slice(0, args.limit ?? 60)
    .map((country) => ({
      name: country.name.common,
      code: country.cca2,
      capital: (country.capital ?? []).join(", ") || undefined,
      subregion: country.subregion || undefined,
      population: country.population
    }))
};
}
