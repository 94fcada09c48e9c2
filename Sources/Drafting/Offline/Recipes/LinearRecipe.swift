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
                implementation: RecipeCode.load(recipe: "linear", tool: "list_linear_issues", prelude: "graphql")
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
                implementation: RecipeCode.load(recipe: "linear", tool: "create_linear_issue", prelude: "graphql")
            ),
        ]
    )
}

private enum LinearSchema {
    static let teamKey = InputSchema.string("Team key, the prefix of its issue ids, e.g. ENG", maxLength: 10, pattern: "^[A-Za-z0-9]+$")
}
