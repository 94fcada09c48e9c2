async function wikipedia_summary(args, ctx) {
const language = args.language ?? "en";
const title = encodeURIComponent(args.title.trim().replace(/ /g, "_"));
const response = await ctx.fetch(`https://${language}.wikipedia.org/api/rest_v1/page/summary/${title}?redirect=true`, {
  headers: { "Api-User-Agent": "BuildMyMCPServer-tool/1.0" }
});
if (response.status === 404) {
  return `${language}.wikipedia.org has no article titled "${args.title}". Try search_wikipedia first.`;
}
if (!response.ok) {
  throw new Error(`Wikipedia answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const page = await response.json();
return {
  title: page.title,
  description: page.description ?? undefined,
  isDisambiguation: page.type === "disambiguation",
  summary: page.extract,
  url: page.content_urls?.desktop?.page,
  lastEdited: page.timestamp
};
}
