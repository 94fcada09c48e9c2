async function get_weather_forecast(args, ctx) {
const forecastUrl = new URL("https://api.open-meteo.com/v1/forecast");
forecastUrl.searchParams.set("latitude", String(place.latitude));
forecastUrl.searchParams.set("longitude", String(place.longitude));
forecastUrl.searchParams.set("daily", "weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,precipitation_probability_max,wind_speed_10m_max");
forecastUrl.searchParams.set("timezone", "auto");
forecastUrl.searchParams.set("forecast_days", String(args.days ?? 3));
forecastUrl.searchParams.set("temperature_unit", args.temperature_unit ?? "celsius");

const response = await ctx.fetch(forecastUrl.toString());
if (!response.ok) {
  throw new Error(`Open-Meteo forecast answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const data = await response.json();
const daily = data.daily;
return {
  place: [place.name, place.admin1, place.country].filter(Boolean).join(", "),
  timezone: data.timezone,
  units: {
    temperature: data.daily_units.temperature_2m_max,
    precipitation: data.daily_units.precipitation_sum,
    wind: data.daily_units.wind_speed_10m_max
  },
  days: daily.time.map((date, i) => ({
    date,
    conditions: conditions[daily.weather_code[i]] ?? `weather code ${daily.weather_code[i]}`,
    min: daily.temperature_2m_min[i],
    max: daily.temperature_2m_max[i],
    precipitation: daily.precipitation_sum[i],
    precipitationChancePercent: daily.precipitation_probability_max[i],
    maxWind: daily.wind_speed_10m_max[i]
  }))
};
}
