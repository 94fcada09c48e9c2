import Core

extension Recipe {
    /// Hacker News through its Algolia search API, which answers the front page in one
    /// request instead of one per story.
    static let hackerNews = Recipe(
        id: "hacker_news",
        title: "Hacker News",
        summary: "Hacker News: the current front page, full-text search of stories and comments, and a story with its top comments.",
        strong: ["hacker news", "hackernews", "hn", "ycombinator", "y combinator", "show hn", "ask hn"],
        weak: ["tech news", "news", "startup", "nachrichten", "actualites", "noticias", "trending"],
        allowedDomains: ["hn.algolia.com"],
        tools: [
            ToolSpec(
                name: "hacker_news_front_page",
                description: "Stories on the Hacker News front page right now, with points, comment counts and links.",
                inputSchema: InputSchema.object(
                    [
                        "limit": InputSchema.integer("Maximum number of stories", minimum: 1, maximum: 30, default: 15),
                    ]
                ),
                implementation: RecipeCode.load(recipe: "hacker_news", tool: "hacker_news_front_page", prelude: "story_shape")
            ),
            ToolSpec(
                name: "search_hacker_news",
                description: "Search Hacker News stories or comments by words, by relevance or newest first, optionally only recent ones.",
                inputSchema: InputSchema.object(
                    [
                        "query": InputSchema.string("Words to search for", minLength: 1, maxLength: 200),
                        "kind": InputSchema.string("What to search", choices: ["story", "comment", "show_hn", "ask_hn"], default: "story"),
                        "sort": InputSchema.string("Order of results", choices: ["relevance", "newest"], default: "relevance"),
                        "days": InputSchema.integer("Only items from the last this many days", minimum: 1, maximum: 3650),
                        "limit": InputSchema.integer("Maximum number of results", minimum: 1, maximum: 50, default: 10),
                    ],
                    required: ["query"]
                ),
                implementation: RecipeCode.load(recipe: "hacker_news", tool: "search_hacker_news", prelude: "story_shape")
            ),
            ToolSpec(
                name: "get_hacker_news_item",
                description: "One Hacker News story, job or comment by id, with its text and its top-level comments (shortened).",
                inputSchema: InputSchema.object(
                    [
                        "id": InputSchema.integer("Item id, the number in news.ycombinator.com/item?id=…", minimum: 1),
                        "comments": InputSchema.integer("Maximum number of top-level comments", minimum: 0, maximum: 50, default: 10),
                    ],
                    required: ["id"]
                ),
                implementation: RecipeCode.load(recipe: "hacker_news", tool: "get_hacker_news_item", prelude: "story_shape")
            ),
        ]
    )
}
