import Core

extension Recipe {
    /// Notion API with an internal integration token, pinned to one API version.
    static let notion = Recipe(
        id: "notion",
        title: "Notion",
        summary: "Notion: search the pages and databases shared with an integration and read a page as plain text.",
        strong: ["notion"],
        weak: ["notes", "wiki", "workspace", "knowledge base", "docs", "notizen", "pages"],
        requiredSecrets: [
            RequiredSecret(
                key: "NOTION_TOKEN",
                description: "Internal integration secret of a Notion integration with the Read content capability. Share the pages you want to use with the integration.",
                howToGetUrl: "https://www.notion.so/profile/integrations"
            ),
        ],
        allowedDomains: ["api.notion.com"],
        tools: [
            ToolSpec(
                name: "search_notion",
                description: "Search the Notion pages and databases shared with the integration by title. Returns ids to pass to read_notion_page.",
                inputSchema: InputSchema.object(
                    [
                        "query": InputSchema.string("Words in the title; empty lists recently edited items", maxLength: 200),
                        "kind": InputSchema.string("Limit results to pages or databases", choices: ["any", "page", "database"], default: "any"),
                        "limit": InputSchema.integer("Maximum number of results", minimum: 1, maximum: 50, default: 10),
                    ]
                ),
                implementation: RecipeCode.load(recipe: "notion", tool: "search_notion")
            ),
            ToolSpec(
                name: "read_notion_page",
                description: "Read a Notion page as plain text: its title, properties and the text of its blocks (up to about 300 blocks).",
                inputSchema: InputSchema.object(
                    [
                        "page": InputSchema.string("Page id or the page's Notion link", minLength: 32, maxLength: 300),
                    ],
                    required: ["page"]
                ),
                implementation: RecipeCode.load(recipe: "notion", tool: "read_notion_page")
            ),
        ]
    )
}
