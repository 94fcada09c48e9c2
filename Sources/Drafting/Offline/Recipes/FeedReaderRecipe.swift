import Core

extension Recipe {
    /// RSS 2.0, RSS 1.0 and Atom feeds at any address the person gives, so the host list
    /// is open. The sandbox has no DOM parser; a small tag scanner reads the few elements needed.
    static let feedReader = Recipe(
        id: "rss",
        title: "RSS feeds",
        summary: "RSS feeds: read the latest items of any RSS or Atom feed and find the feeds a website offers.",
        strong: ["rss", "atom feed", "feed", "feeds", "feed reader", "podcast", "flux rss", "newsfeed"],
        weak: ["blog", "blogs", "newsletter", "headlines", "subscribe", "news", "nachrichten", "actualites", "noticias"],
        allowedDomains: ["*"],
        tools: [
            ToolSpec(
                name: "read_feed",
                description: "Read the newest items of an RSS or Atom feed: title, link, date, author and a short plain-text summary.",
                inputSchema: InputSchema.object(
                    [
                        "url": FeedSchema.url("Address of the feed, e.g. https://blog.example.com/feed.xml"),
                        "limit": InputSchema.integer("Maximum number of items", minimum: 1, maximum: 50, default: 10),
                    ],
                    required: ["url"]
                ),
                implementation: RecipeCode.load(recipe: "rss", tool: "read_feed", prelude: "scanner")
            ),
            ToolSpec(
                name: "discover_feeds",
                description: "Find the RSS or Atom feeds a website offers, from its page's feed links or common feed addresses. Use before read_feed when only a site address is known.",
                inputSchema: InputSchema.object(
                    [
                        "url": FeedSchema.url("Address of the website or page, e.g. https://example.com"),
                    ],
                    required: ["url"]
                ),
                implementation: RecipeCode.load(recipe: "rss", tool: "discover_feeds", prelude: "scanner")
            ),
        ]
    )
}

private enum FeedSchema {
    static func url(_ description: String) -> JSONValue {
        InputSchema.string(description, maxLength: 2000, pattern: "^https?://", format: "uri")
    }
}
