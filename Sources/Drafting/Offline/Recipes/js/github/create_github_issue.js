async function create_github_issue(args, ctx) {
const response = await ctx.fetch(`https://api.github.com/repos/${encodeURIComponent(args.owner)}/${encodeURIComponent(args.repo)}/issues`, {
  method: "POST",
  headers: { ...headers, "Content-Type": "application/json" },
  body: JSON.stringify({ title: args.title, body: args.body ?? "", labels: args.labels ?? [] })
});
if (!response.ok) {
  throw new Error(`GitHub answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const issue = await response.json();
return `Created issue #${issue.number}: ${issue.html_url}`;
}
