async function create_linear_issue(args, ctx) {
const teams = await graphQL(
  `query Team($key: String!) { teams(filter: { key: { eq: $key } }) { nodes { id name } } }`,
  { key: args.team_key.toUpperCase() }
);
const team = teams.teams.nodes[0];
if (!team) {
  throw new Error(`No Linear team with key ${args.team_key} is visible to this API key.`);
}
const created = await graphQL(
  `mutation Create($input: IssueCreateInput!) {
    issueCreate(input: $input) { success issue { identifier title url } }
  }`,
  {
    input: {
      teamId: team.id,
      title: args.title,
      description: args.description ?? "",
      priority: args.priority ?? 0
    }
  }
);
if (!created.issueCreate.success) {
  throw new Error("Linear did not create the issue.");
}
const issue = created.issueCreate.issue;
return `Created ${issue.identifier} in ${team.name}: ${issue.url}`;
}
