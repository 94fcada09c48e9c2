async function get_hacker_news_item(args, ctx) {
const response = await ctx.fetch(`https://hn.algolia.com/api/v1/items/${args.id}`);
if (response.status === 404) {
  return `There is no Hacker News item ${args.id}.`;
}
if (!response.ok) {
  throw new Error(`Hacker News answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const item = await response.json();
const countAll = (node) => (node.children ?? []).reduce((sum, child) => sum + 1 + countAll(child), 0);
return {
  id: item.id,
  type: item.type,
  title: item.title ?? undefined,
  url: item.url ?? undefined,
  author: item.author,
  points: item.points ?? undefined,
  createdAt: item.created_at,
  text: item.text ? plainText(item.text).slice(0, 2000) : undefined,
  totalComments: countAll(item),
  comments: (item.children ?? [])
    .filter((child) => child.text)
    .slice(0, args.comments ?? 10)
    .map((child) => ({
      author: child.author,
      text: plainText(child.text).slice(0, 600),
      replies: countAll(child)
    })),
  discussion: `https://news.ycombinator.com/item?id=${item.id}`
};
}
