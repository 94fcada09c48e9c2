// Looks the place up and defines `place` and the WMO weather-code names as `conditions`.
async function _geocoding(args, ctx) {
const conditions = {
  0: "clear sky", 1: "mainly clear", 2: "partly cloudy", 3: "overcast", 45: "fog", 48: "freezing fog",
  51: "light drizzle", 53: "drizzle", 55: "dense drizzle", 56: "freezing drizzle", 57: "freezing drizzle",
  61: "light rain", 63: "rain", 65: "heavy rain", 66: "freezing rain", 67: "heavy freezing rain",
  71: "light snow", 73: "snow", 75: "heavy snow", 77: "snow grains",
  80: "light rain showers", 81: "rain showers", 82: "violent rain showers", 85: "snow showers", 86: "heavy snow showers",
  95: "thunderstorm", 96: "thunderstorm with hail", 99: "thunderstorm with heavy hail"
};

const geoUrl = new URL("https://geocoding-api.open-meteo.com/v1/search");
geoUrl.searchParams.set("name", args.place);
geoUrl.searchParams.set("count", "1");
geoUrl.searchParams.set("language", "en");
geoUrl.searchParams.set("format", "json");
if (args.country_code) {
  geoUrl.searchParams.set("countryCode", args.country_code.toUpperCase());
}
const geoResponse = await ctx.fetch(geoUrl.toString());
if (!geoResponse.ok) {
  throw new Error(`Open-Meteo geocoding answered HTTP ${geoResponse.status}: ${(await geoResponse.text()).slice(0, 200)}`);
}
const place = (await geoResponse.json()).results?.[0];
if (!place) {
  return `No place called "${args.place}" was found. Try the nearest larger town or add a country code.`;
}
}
