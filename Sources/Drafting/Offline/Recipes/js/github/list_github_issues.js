async function list_github_issues(args, ctx) {
const url = new URL(`https://api.github.com/repos/${encodeURIComponent(args.owner)}/${encodeURIComponent(args.repo)}/issues`);
url.searchParams.set("state", args.state ?? "open");
url.searchParams.set("sort", "updated");
url.searchParams.set("per_page", String(args.limit ?? 20));
if (args.labels) {
  url.searchParams.set("labels", args.labels);
}

const response = await ctx.fetch(url.toString(), { headers });
if (!response.ok) {
  throw new Error(`GitHub answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const items = await response.json();
return items
  .filter((item) => !item.pull_request)
  .map((item) => ({
    number: item.number,
    title: item.title,
    state: item.state,
    author: item.user?.login,
    labels: item.labels.map((label) => (typeof label === "string" ? label : label.name)),
    comments: item.comments,
    updatedAt: item.updated_at,
    url: item.html_url
  }));
}
