async function hacker_news_front_page(args, ctx) {
const url = new URL("https://hn.algolia.com/api/v1/search");
url.searchParams.set("tags", "front_page");
url.searchParams.set("hitsPerPage", String(args.limit ?? 15));
const response = await ctx.fetch(url.toString());
if (!response.ok) {
  throw new Error(`Hacker News search answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const hits = (await response.json()).hits;
return hits.sort((a, b) => (b.points ?? 0) - (a.points ?? 0)).map(story);
}
