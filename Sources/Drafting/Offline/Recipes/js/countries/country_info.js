async function country_info(args, ctx) {
const fields = "name,cca2,capital,region,subregion,population,area,languages,currencies,timezones";
const query = args.country.trim();
const isCode = /^[A-Za-z]{2,3}$/.test(query);
const lookup = async (path) => {
  const response = await ctx.fetch(`https://restcountries.com/v3.1/${path}?fields=${fields}`);
  // Unknown names answer 404 and malformed codes 400: both mean "no such country".
  if (response.status === 404 || response.status === 400) {
    return [];
  }
  if (!response.ok) {
    throw new Error(`REST Countries answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
  const data = await response.json();
  return Array.isArray(data) ? data : [data];
};
let matches = isCode ? await lookup(`alpha/${encodeURIComponent(query)}`) : [];
if (matches.length === 0) {
  matches = await lookup(`name/${encodeURIComponent(query)}`);
}
if (matches.length === 0) {
  return `No country matches "${args.country}".`;
}
const exact = matches.filter((country) => country.name.common.toLowerCase() === query.toLowerCase());
return (exact.length > 0 ? exact : matches).slice(0, 5).map((country) => ({
  name: country.name.common,
  officialName: country.name.official,
  code: country.cca2,
  capital: (country.capital ?? []).join(", ") || undefined,
  region: country.region,
  subregion: country.subregion || undefined,
  population: country.population,
  areaKm2: country.area,
  languages: Object.values(country.languages ?? {}),
  currencies: Object.entries(country.currencies ?? {}).map(([code, currency]) => `${code} (${currency.name})`),
  timezones: country.timezones
}));
}
