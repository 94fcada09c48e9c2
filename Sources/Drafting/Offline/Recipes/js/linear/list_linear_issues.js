async function list_linear_issues(args, ctx) {
const filter = {};
if (args.team_key) {
  filter.team = { key: { eq: args.team_key.toUpperCase() } };
}
if (args.state) {
  filter.state = { name: { eqIgnoreCase: args.state } };
}
if (args.assigned_to_me) {
  filter.assignee = { isMe: { eq: true } };
}
if (args.title_contains) {
  filter.title = { containsIgnoreCase: args.title_contains };
}
const data = await graphQL(
  `query Issues($first: Int!, $filter: IssueFilter) {
    issues(first: $first, filter: $filter, orderBy: updatedAt) {
      nodes { identifier title url priorityLabel updatedAt state { name } assignee { name } team { key } }
    }
  }`,
  { first: args.limit ?? 25, filter }
);
return data.issues.nodes.map((issue) => ({
  id: issue.identifier,
  title: issue.title,
  state: issue.state?.name,
  priority: issue.priorityLabel,
  assignee: issue.assignee?.name ?? null,
  team: issue.team?.key,
  updatedAt: issue.updatedAt,
  url: issue.url
}));
}
