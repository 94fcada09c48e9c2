async function search_hacker_news(args, ctx) {
const endpoint = (args.sort ?? "relevance") === "newest" ? "search_by_date" : "search";
const url = new URL(`https://hn.algolia.com/api/v1/${endpoint}`);
url.searchParams.set("query", args.query);
url.searchParams.set("tags", args.kind ?? "story");
url.searchParams.set("hitsPerPage", String(args.limit ?? 10));
if (args.days) {
  const since = Math.floor(Date.now() / 1000) - args.days * 86400;
  url.searchParams.set("numericFilters", `created_at_i>${since}`);
}
const response = await ctx.fetch(url.toString());
if (!response.ok) {
  throw new Error(`Hacker News search answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const result = await response.json();
return {
  totalMatches: result.nbHits,
  results: result.hits.map((hit) =>
    hit.comment_text
      ? {
          id: hit.objectID,
          author: hit.author,
          createdAt: hit.created_at,
          onStory: hit.story_title,
          text: plainText(hit.comment_text).slice(0, 500),
          discussion: `https://news.ycombinator.com/item?id=${hit.objectID}`
        }
      : story(hit)
  )
};
}
