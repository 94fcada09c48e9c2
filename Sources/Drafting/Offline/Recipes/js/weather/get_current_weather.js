async function get_current_weather(args, ctx) {
const currentUrl = new URL("https://api.open-meteo.com/v1/forecast");
currentUrl.searchParams.set("latitude", String(place.latitude));
currentUrl.searchParams.set("longitude", String(place.longitude));
currentUrl.searchParams.set("current", "weather_code,temperature_2m,apparent_temperature,relative_humidity_2m,precipitation,wind_speed_10m");
currentUrl.searchParams.set("timezone", "auto");
currentUrl.searchParams.set("temperature_unit", args.temperature_unit ?? "celsius");

const response = await ctx.fetch(currentUrl.toString());
if (!response.ok) {
  throw new Error(`Open-Meteo forecast answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const data = await response.json();
const now = data.current;
const units = data.current_units;
return {
  place: [place.name, place.admin1, place.country].filter(Boolean).join(", "),
  observedAt: now.time,
  timezone: data.timezone,
  conditions: conditions[now.weather_code] ?? `weather code ${now.weather_code}`,
  temperature: `${now.temperature_2m} ${units.temperature_2m}`,
  feelsLike: `${now.apparent_temperature} ${units.apparent_temperature}`,
  humidity: `${now.relative_humidity_2m} ${units.relative_humidity_2m}`,
  precipitation: `${now.precipitation} ${units.precipitation}`,
  wind: `${now.wind_speed_10m} ${units.wind_speed_10m}`
};
}
