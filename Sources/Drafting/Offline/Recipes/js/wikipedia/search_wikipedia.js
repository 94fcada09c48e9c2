async function search_wikipedia(args, ctx) {
const language = args.language ?? "en";
const url = new URL(`https://${language}.wikipedia.org/w/rest.php/v1/search/page`);
url.searchParams.set("q", args.query);
url.searchParams.set("limit", String(args.limit ?? 5));
const response = await ctx.fetch(url.toString(), {
  headers: { "Api-User-Agent": "BuildMyMCPServer-tool/1.0" }
});
if (!response.ok) {
  throw new Error(`Wikipedia answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const pages = (await response.json()).pages;
if (pages.length === 0) {
  return `No ${language}.wikipedia.org article matches "${args.query}".`;
}
return pages.map((page) => ({
  title: page.title,
  description: page.description ?? undefined,
  excerpt: (page.excerpt ?? "").replace(/<[^>]+>/g, "").replace(/&quot;/g, "\"").replace(/&amp;/g, "&"),
  url: `https://${language}.wikipedia.org/wiki/${encodeURIComponent(page.key)}`
}));
}
