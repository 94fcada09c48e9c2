// Defines `tables` (factor to the kind's base unit), `toKelvin`/`fromKelvin`,
// `aliases` (accepted names, lower case) and `find(name)`, which throws for unknown units.
async function _unit_tables(args, ctx) {
const tables = {
  length: { m: 1, km: 1000, cm: 0.01, mm: 0.001, "µm": 1e-6, mi: 1609.344, yd: 0.9144, ft: 0.3048, in: 0.0254, nmi: 1852 },
  mass: { kg: 1, g: 0.001, mg: 1e-6, t: 1000, lb: 0.45359237, oz: 0.028349523125, st: 6.35029318 },
  volume: {
    l: 1, ml: 0.001, cl: 0.01, dl: 0.1, "m³": 1000, "cm³": 0.001, gal: 3.785411784, qt: 0.946352946, pt: 0.473176473,
    cup: 0.2365882365, "fl oz": 0.0295735295625, tbsp: 0.01478676478125, tsp: 0.00492892159375, "imp gal": 4.54609
  },
  speed: { "m/s": 1, "km/h": 1 / 3.6, mph: 0.44704, kn: 1852 / 3600, "ft/s": 0.3048 },
  area: { "m²": 1, "km²": 1e6, "cm²": 1e-4, ha: 1e4, acre: 4046.8564224, "ft²": 0.09290304, "in²": 0.00064516, "mi²": 2589988.110336 },
  time: { s: 1, ms: 0.001, min: 60, h: 3600, day: 86400, week: 604800, year: 31557600 },
  data: { bit: 0.125, B: 1, kB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KiB: 1024, MiB: 1048576, GiB: 1073741824, TiB: 1099511627776 }
};
const toKelvin = { "°C": (c) => c + 273.15, "°F": (f) => ((f - 32) * 5) / 9 + 273.15, K: (k) => k };
const fromKelvin = { "°C": (k) => k - 273.15, "°F": (k) => ((k - 273.15) * 9) / 5 + 32, K: (k) => k };
const aliases = {
  meter: "m", meters: "m", metre: "m", metres: "m", kilometer: "km", kilometers: "km", kilometre: "km", kilometres: "km",
  centimeter: "cm", centimeters: "cm", centimetre: "cm", centimetres: "cm", millimeter: "mm", millimeters: "mm",
  millimetre: "mm", millimetres: "mm", um: "µm", micrometer: "µm", micrometre: "µm", micron: "µm",
  mile: "mi", miles: "mi", yard: "yd", yards: "yd", foot: "ft", feet: "ft", inch: "in", inches: "in", '"': "in", "'": "ft",
  "nautical mile": "nmi", "nautical miles": "nmi",
  kilogram: "kg", kilograms: "kg", kilo: "kg", kilos: "kg", gram: "g", grams: "g", gramme: "g", milligram: "mg",
  milligrams: "mg", tonne: "t", tonnes: "t", "metric ton": "t", pound: "lb", pounds: "lb", lbs: "lb", ounce: "oz",
  ounces: "oz", stone: "st", stones: "st",
  liter: "l", liters: "l", litre: "l", litres: "l", milliliter: "ml", milliliters: "ml", millilitre: "ml",
  millilitres: "ml", centiliter: "cl", centilitre: "cl", deciliter: "dl", decilitre: "dl", m3: "m³", "cubic meter": "m³",
  "cubic metre": "m³", cm3: "cm³", cc: "cm³", gallon: "gal", gallons: "gal", "us gallon": "gal", quart: "qt",
  quarts: "qt", pint: "pt", pints: "pt", cups: "cup", "fluid ounce": "fl oz", "fluid ounces": "fl oz", floz: "fl oz",
  tablespoon: "tbsp", tablespoons: "tbsp", teaspoon: "tsp", teaspoons: "tsp", "imperial gallon": "imp gal",
  "imperial gallons": "imp gal",
  c: "°C", celsius: "°C", centigrade: "°C", f: "°F", fahrenheit: "°F", k: "K", kelvin: "K",
  mps: "m/s", "meters per second": "m/s", kmh: "km/h", kph: "km/h", "kilometers per hour": "km/h",
  "kilometres per hour": "km/h", "miles per hour": "mph", knot: "kn", knots: "kn", kt: "kn", fps: "ft/s",
  m2: "m²", "square meter": "m²", "square meters": "m²", "square metre": "m²", "square metres": "m²", km2: "km²",
  "square kilometer": "km²", "square kilometers": "km²", cm2: "cm²", hectare: "ha", hectares: "ha", acres: "acre",
  ft2: "ft²", "sq ft": "ft²", "square foot": "ft²", "square feet": "ft²", in2: "in²", "sq in": "in²",
  mi2: "mi²", "sq mi": "mi²", "square mile": "mi²", "square miles": "mi²",
  sec: "s", second: "s", seconds: "s", millisecond: "ms", milliseconds: "ms", minute: "min", minutes: "min",
  hour: "h", hours: "h", hr: "h", days: "day", d: "day", weeks: "week", years: "year", yr: "year",
  bits: "bit", byte: "B", bytes: "B", kb: "kB", kilobyte: "kB", kilobytes: "kB", mb: "MB", megabyte: "MB",
  megabytes: "MB", gb: "GB", gigabyte: "GB", gigabytes: "GB", tb: "TB", terabyte: "TB", terabytes: "TB",
  kib: "KiB", mib: "MiB", gib: "GiB", tib: "TiB"
};
const find = (name) => {
  const written = name.trim().replace(/\s+/g, " ").replace(/^°\s*/, "°");
  const folded = written.toLowerCase().replace(/^°/, "").replace(/\^?2$/, "²").replace(/\^?3$/, "³");
  for (const candidate of [written, folded]) {
    for (const [kind, units] of Object.entries(tables)) {
      if (Object.keys(units).includes(candidate)) {
        return { kind, unit: candidate };
      }
    }
    if (Object.keys(toKelvin).includes(candidate)) {
      return { kind: "temperature", unit: candidate };
    }
  }
  const alias = aliases[folded] ?? aliases[folded.replace(/^sq /, "square ")];
  if (alias && typeof alias === "string") {
    return find(alias);
  }
  throw new Error(`Unknown unit "${name}". Call list_units to see the units and names accepted.`);
};
}
