async function search_github(args, ctx) {
const qualifiers = [args.query, (args.type ?? "issue") === "pr" ? "is:pr" : "is:issue"];
if (args.repository) {
  qualifiers.push(`repo:${args.repository}`);
}
const url = new URL("https://api.github.com/search/issues");
url.searchParams.set("q", qualifiers.join(" "));
url.searchParams.set("per_page", String(args.limit ?? 10));
if (args.sort && args.sort !== "best-match") {
  url.searchParams.set("sort", args.sort);
  url.searchParams.set("order", "desc");
}

const response = await ctx.fetch(url.toString(), { headers });
if (!response.ok) {
  throw new Error(`GitHub answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const result = await response.json();
return {
  totalCount: result.total_count,
  items: result.items.map((item) => ({
    repository: item.repository_url.split("/").slice(-2).join("/"),
    number: item.number,
    title: item.title,
    state: item.state,
    isPullRequest: Boolean(item.pull_request),
    author: item.user?.login,
    comments: item.comments,
    updatedAt: item.updated_at,
    url: item.html_url
  }))
};
}
