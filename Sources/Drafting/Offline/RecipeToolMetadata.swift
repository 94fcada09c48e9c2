import Core

/// The title and MCP annotations of every recipe tool, in one table so the hints can be
/// reviewed side by side: which tools only read, which write, which never leave the sandbox.
enum RecipeToolMetadata {
    private static let reads = ToolAnnotations(readOnlyHint: true)
    /// Computes from its arguments alone; no allowed domain is involved.
    private static let local = ToolAnnotations(readOnlyHint: true, openWorldHint: false)
    /// Creates something new each time; nothing existing is changed or removed.
    private static let creates = ToolAnnotations(readOnlyHint: false, destructiveHint: false, idempotentHint: false)

    static let byTool: [String: (title: String, annotations: ToolAnnotations)] = [
        "read_feed": ("Read a feed", reads),
        "discover_feeds": ("Discover feeds", reads),
        "convert_currency": ("Convert currency", reads),
        "exchange_rate_history": ("Exchange rate history", reads),
        "list_currencies": ("List currencies", reads),
        "list_github_issues": ("List GitHub issues", reads),
        "search_github": ("Search GitHub", reads),
        "create_github_issue": ("Create a GitHub issue", creates),
        "hacker_news_front_page": ("Hacker News front page", reads),
        "search_hacker_news": ("Search Hacker News", reads),
        "get_hacker_news_item": ("Get a Hacker News item", reads),
        // Any method on any allowed path: it may change or delete data.
        "call_json_api": ("Call the JSON API", ToolAnnotations(readOnlyHint: false, destructiveHint: true, idempotentHint: false)),
        "list_linear_issues": ("List Linear issues", reads),
        "create_linear_issue": ("Create a Linear issue", creates),
        "search_notion": ("Search Notion", reads),
        "read_notion_page": ("Read a Notion page", reads),
        "search_npm_packages": ("Search npm packages", reads),
        "npm_package_info": ("npm package info", reads),
        "search_books": ("Search books", reads),
        "book_by_isbn": ("Book by ISBN", reads),
        "get_weather_forecast": ("Weather forecast", reads),
        "get_current_weather": ("Current weather", reads),
        "public_holidays": ("Public holidays", reads),
        "next_public_holidays": ("Next public holidays", reads),
        "country_info": ("Country information", reads),
        "countries_in_region": ("Countries in a region", reads),
        "list_slack_channels": ("List Slack channels", reads),
        "post_slack_message": ("Post a Slack message", creates),
        "text_statistics": ("Text statistics", local),
        "add_numbers": ("Add numbers", local),
        "calculate": ("Calculate", local),
        "current_time": ("Current time", local),
        "convert_time": ("Convert time", local),
        "convert_units": ("Convert units", local),
        "list_units": ("List units", local),
        "search_wikipedia": ("Search Wikipedia", reads),
        "wikipedia_summary": ("Wikipedia summary", reads),
    ]

    static func applied(to tool: ToolSpec) -> ToolSpec {
        guard let metadata = byTool[tool.name] else { return tool }
        var tool = tool
        tool.title = tool.title ?? metadata.title
        tool.annotations = tool.annotations ?? metadata.annotations
        return tool
    }
}
