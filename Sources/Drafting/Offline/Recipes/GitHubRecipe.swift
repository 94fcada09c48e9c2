import Core

extension Recipe {
    /// GitHub REST API with a fine-grained token.
    static let github = Recipe(
        id: "github",
        title: "GitHub",
        summary: "GitHub: list, search and create issues and pull requests with a fine-grained token.",
        strong: ["github", "pull request", "pull requests", "git hub"],
        weak: ["issue", "repo", "repository", "repositories", "pr", "commit", "bug", "open source"],
        requiredSecrets: [
            RequiredSecret(
                key: "GITHUB_TOKEN",
                description: "Fine-grained personal access token with read access to Issues and Pull requests, and write access to Issues for creating them, on the repositories you want to use.",
                howToGetUrl: "https://github.com/settings/personal-access-tokens/new"
            ),
        ],
        allowedDomains: ["api.github.com"],
        tools: [
            ToolSpec(
                name: "list_github_issues",
                description: "List issues (not pull requests) in one GitHub repository, most recently updated first, optionally filtered by state and labels.",
                inputSchema: InputSchema.object(
                    [
                        "owner": GitHubSchema.owner,
                        "repo": GitHubSchema.repo,
                        "state": InputSchema.string("Which issues to list", choices: ["open", "closed", "all"], default: "open"),
                        "labels": InputSchema.string("Comma-separated label names that must all be present, e.g. bug,help wanted", maxLength: 200),
                        "limit": InputSchema.integer("Maximum number of issues", minimum: 1, maximum: 100, default: 20),
                    ],
                    required: ["owner", "repo"]
                ),
                implementation: RecipeCode.load(recipe: "github", tool: "list_github_issues", prelude: "headers")
            ),
            ToolSpec(
                name: "search_github",
                description: "Search GitHub issues or pull requests with GitHub search syntax (e.g. \"label:bug is:open\"), optionally within one repository.",
                inputSchema: InputSchema.object(
                    [
                        "query": InputSchema.string("Search words and qualifiers, e.g. \"crash on launch is:open\"", minLength: 1, maxLength: 256),
                        "type": InputSchema.string("Search issues or pull requests", choices: ["issue", "pr"], default: "issue"),
                        "repository": InputSchema.string(
                            "Optional owner/name to search in, e.g. apple/swift",
                            pattern: "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"
                        ),
                        "sort": InputSchema.string("Sort order", choices: ["best-match", "created", "updated", "comments"], default: "best-match"),
                        "limit": InputSchema.integer("Maximum number of results", minimum: 1, maximum: 50, default: 10),
                    ],
                    required: ["query"]
                ),
                implementation: RecipeCode.load(recipe: "github", tool: "search_github", prelude: "headers")
            ),
            ToolSpec(
                name: "create_github_issue",
                description: "Create an issue in a GitHub repository and return its number and URL.",
                inputSchema: InputSchema.object(
                    [
                        "owner": GitHubSchema.owner,
                        "repo": GitHubSchema.repo,
                        "title": InputSchema.string("Issue title", minLength: 1, maxLength: 256),
                        "body": InputSchema.string("Markdown text of the issue", maxLength: 65536),
                        "labels": InputSchema.array("Label names to apply; they must exist in the repository", items: ["type": "string"]),
                    ],
                    required: ["owner", "repo", "title"]
                ),
                implementation: RecipeCode.load(recipe: "github", tool: "create_github_issue", prelude: "headers")
            ),
        ]
    )
}

private enum GitHubSchema {
    static let owner = InputSchema.string(
        "User or organisation that owns the repository",
        maxLength: 100,
        pattern: "^[A-Za-z0-9][A-Za-z0-9-]*$"
    )
    // A leading dot is allowed once (".github"), so "." and ".." never reach the URL path.
    static let repo = InputSchema.string("Repository name", maxLength: 100, pattern: #"^\.?[A-Za-z0-9_-][A-Za-z0-9_.-]*$"#)
}
