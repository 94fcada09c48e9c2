// Defines `read(response, country)`, which returns the holiday list or throws, and `shape(holiday)`.
async function _shape(args, ctx) {
const read = async (response, country) => {
  if (response.status === 404) {
    throw new Error(`Nager.Date has no holiday data for the country code ${country}.`);
  }
  if (response.status === 204) {
    return [];
  }
  if (!response.ok) {
    throw new Error(`Nager.Date answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
  return await response.json();
};
const shape = (holiday) => ({
  date: holiday.date,
  name: holiday.name,
  localName: holiday.localName !== holiday.name ? holiday.localName : undefined,
  regions: holiday.global || !holiday.counties ? "nationwide" : holiday.counties.join(", "),
  types: holiday.types
});
}
