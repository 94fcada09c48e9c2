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
                implementation: HackerNewsCode.storyShape + #"""

                const url = new URL("https://hn.algolia.com/api/v1/search");
                url.searchParams.set("tags", "front_page");
                url.searchParams.set("hitsPerPage", String(args.limit ?? 15));
                const response = await ctx.fetch(url.toString());
                if (!response.ok) {
                  throw new Error(`Hacker News search answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const hits = (await response.json()).hits;
                return hits.sort((a, b) => (b.points ?? 0) - (a.points ?? 0)).map(story);
                """#
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
                implementation: HackerNewsCode.storyShape + #"""

                const endpoint = (args.sort ?? "relevance") === "newest" ? "search_by_date" : "search";
                const url = new URL(`https://hn.algolia.com/api/v1/${endpoint}`);
                url.searchParams.set("query", args.query);
                url.searchParams.set("tags", args.kind ?? "story");
                url.searchParams.set("hitsPerPage", String(args.limit ?? 10));
                if (args.days) {
                  const since = Math.floor(Date.now() / 1000) - args.days * 86400;
                  url.searchParams.set("numericFilters", `created_at_i>${since}`);
                }
                const response = await ctx.fetch(url.toString());
                if (!response.ok) {
                  throw new Error(`Hacker News search answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const result = await response.json();
                return {
                  totalMatches: result.nbHits,
                  results: result.hits.map((hit) =>
                    hit.comment_text
                      ? {
                          id: hit.objectID,
                          author: hit.author,
                          createdAt: hit.created_at,
                          onStory: hit.story_title,
                          text: plainText(hit.comment_text).slice(0, 500),
                          discussion: `https://news.ycombinator.com/item?id=${hit.objectID}`
                        }
                      : story(hit)
                  )
                };
                """#
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
                implementation: HackerNewsCode.storyShape + #"""

                const response = await ctx.fetch(`https://hn.algolia.com/api/v1/items/${args.id}`);
                if (response.status === 404) {
                  return `There is no Hacker News item ${args.id}.`;
                }
                if (!response.ok) {
                  throw new Error(`Hacker News answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const item = await response.json();
                const countAll = (node) => (node.children ?? []).reduce((sum, child) => sum + 1 + countAll(child), 0);
                return {
                  id: item.id,
                  type: item.type,
                  title: item.title ?? undefined,
                  url: item.url ?? undefined,
                  author: item.author,
                  points: item.points ?? undefined,
                  createdAt: item.created_at,
                  text: item.text ? plainText(item.text).slice(0, 2000) : undefined,
                  totalComments: countAll(item),
                  comments: (item.children ?? [])
                    .filter((child) => child.text)
                    .slice(0, args.comments ?? 10)
                    .map((child) => ({
                      author: child.author,
                      text: plainText(child.text).slice(0, 600),
                      replies: countAll(child)
                    })),
                  discussion: `https://news.ycombinator.com/item?id=${item.id}`
                };
                """#
            ),
        ]
    )
}

private enum HackerNewsCode {
    /// Defines `plainText(html)` and `story(hit)`, the compact form of a search hit.
    static let storyShape = #"""
        const plainText = (html) => html
          .replace(/<p>/g, "\n\n")
          .replace(/<[^>]+>/g, "")
          .replace(/&#x27;/g, "'")
          .replace(/&#x2F;/g, "/")
          .replace(/&quot;/g, "\"")
          .replace(/&gt;/g, ">")
          .replace(/&lt;/g, "<")
          .replace(/&amp;/g, "&")
          .trim();
        const story = (hit) => ({
          id: hit.objectID,
          title: hit.title,
          url: hit.url ?? undefined,
          points: hit.points,
          comments: hit.num_comments,
          author: hit.author,
          createdAt: hit.created_at,
          discussion: `https://news.ycombinator.com/item?id=${hit.objectID}`
        });
        """#
}
