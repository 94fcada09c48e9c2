import Core

extension Recipe {
    /// Linear's GraphQL API with a personal API key (sent without a "Bearer" prefix).
    /// GraphQL failures arrive as HTTP 200 with an `errors` list, so both are checked.
    static let linear = Recipe(
        id: "linear",
        title: "Linear",
        summary: "Linear: list and filter issues by team, state or title, and create new issues.",
        strong: ["linear", "linear app"],
        weak: ["issue", "ticket", "sprint", "backlog", "triage", "bug", "project management", "cycle"],
        requiredSecrets: [
            RequiredSecret(
                key: "LINEAR_API_KEY",
                description: "Personal API key from Linear's security and access settings, with read and write access to the teams you want to use.",
                howToGetUrl: "https://linear.app/settings/account/security"
            ),
        ],
        allowedDomains: ["api.linear.app"],
        tools: [
            ToolSpec(
                name: "list_linear_issues",
                description: "List Linear issues, most recently updated first, filtered by team key, workflow state, assignee being me, or words in the title.",
                inputSchema: InputSchema.object(
                    [
                        "team_key": LinearSchema.teamKey,
                        "state": InputSchema.string("Workflow state name, e.g. Todo, In Progress, Done", maxLength: 60),
                        "assigned_to_me": InputSchema.boolean("Only issues assigned to the key's owner", default: false),
                        "title_contains": InputSchema.string("Words the title must contain", maxLength: 200),
                        "limit": InputSchema.integer("Maximum number of issues", minimum: 1, maximum: 100, default: 25),
                    ]
                ),
                implementation: LinearSchema.graphQL + #"""

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
                """#
            ),
            ToolSpec(
                name: "create_linear_issue",
                description: "Create an issue in a Linear team and return its identifier and URL.",
                inputSchema: InputSchema.object(
                    [
                        "team_key": LinearSchema.teamKey,
                        "title": InputSchema.string("Issue title", minLength: 1, maxLength: 255),
                        "description": InputSchema.string("Markdown description", maxLength: 50000),
                        "priority": InputSchema.integer("0 none, 1 urgent, 2 high, 3 medium, 4 low", minimum: 0, maximum: 4, default: 0),
                    ],
                    required: ["team_key", "title"]
                ),
                implementation: LinearSchema.graphQL + #"""

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
                """#
            ),
        ]
    )
}

private enum LinearSchema {
    static let teamKey = InputSchema.string("Team key, the prefix of its issue ids, e.g. ENG", maxLength: 10, pattern: "^[A-Za-z0-9]+$")

    /// Defines `graphQL(query, variables)`, which returns `data` or throws with Linear's message.
    static let graphQL = #"""
        const graphQL = async (query, variables) => {
          const response = await ctx.fetch("https://api.linear.app/graphql", {
            method: "POST",
            headers: {
              "Authorization": ctx.secrets.LINEAR_API_KEY,
              "Content-Type": "application/json"
            },
            body: JSON.stringify({ query, variables })
          });
          const text = await response.text();
          if (!response.ok) {
            throw new Error(`Linear answered HTTP ${response.status}: ${text.slice(0, 200)}`);
          }
          const result = JSON.parse(text);
          if (result.errors?.length) {
            throw new Error(`Linear refused the request: ${result.errors.map((error) => error.message).join("; ").slice(0, 300)}`);
          }
          return result.data;
        };
        """#
}
