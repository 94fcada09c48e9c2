import Core

extension Recipe {
    /// Wikipedia's REST APIs in any language edition. Browsers may not set User-Agent,
    /// so the tools identify themselves with Api-User-Agent as Wikimedia asks.
    static let wikipedia = Recipe(
        id: "wikipedia",
        title: "Wikipedia",
        summary: "Wikipedia: search articles in any language edition and read an article's summary.",
        strong: ["wikipedia", "encyclopedia", "enzyklopadie", "encyclopedie", "enciclopedia", "wikipedia article"],
        weak: ["wiki", "article", "facts", "lookup", "look up", "artikel", "definition"],
        allowedDomains: ["*.wikipedia.org"],
        tools: [
            ToolSpec(
                name: "search_wikipedia",
                description: "Search Wikipedia articles by words and return titles with short descriptions and excerpts. Pass a title to wikipedia_summary to read it.",
                inputSchema: InputSchema.object(
                    [
                        "query": InputSchema.string("Words to search for", minLength: 1, maxLength: 300),
                        "language": WikipediaSchema.language,
                        "limit": InputSchema.integer("Maximum number of articles", minimum: 1, maximum: 20, default: 5),
                    ],
                    required: ["query"]
                ),
                implementation: #"""
                const language = args.language ?? "en";
                const url = new URL(`https://${language}.wikipedia.org/w/rest.php/v1/search/page`);
                url.searchParams.set("q", args.query);
                url.searchParams.set("limit", String(args.limit ?? 5));
                const response = await ctx.fetch(url.toString(), {
                  headers: { "Api-User-Agent": "BuildMyMCPServer-tool/1.0" }
                });
                if (!response.ok) {
                  throw new Error(`Wikipedia answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const pages = (await response.json()).pages;
                if (pages.length === 0) {
                  return `No ${language}.wikipedia.org article matches "${args.query}".`;
                }
                return pages.map((page) => ({
                  title: page.title,
                  description: page.description ?? undefined,
                  excerpt: (page.excerpt ?? "").replace(/<[^>]+>/g, "").replace(/&quot;/g, "\"").replace(/&amp;/g, "&"),
                  url: `https://${language}.wikipedia.org/wiki/${encodeURIComponent(page.key)}`
                }));
                """#
            ),
            ToolSpec(
                name: "wikipedia_summary",
                description: "The lead summary of a Wikipedia article by its exact title (redirects are followed), with its description and link.",
                inputSchema: InputSchema.object(
                    [
                        "title": InputSchema.string("Article title, e.g. Ada Lovelace", minLength: 1, maxLength: 300),
                        "language": WikipediaSchema.language,
                    ],
                    required: ["title"]
                ),
                implementation: #"""
                const language = args.language ?? "en";
                const title = encodeURIComponent(args.title.trim().replace(/ /g, "_"));
                const response = await ctx.fetch(`https://${language}.wikipedia.org/api/rest_v1/page/summary/${title}?redirect=true`, {
                  headers: { "Api-User-Agent": "BuildMyMCPServer-tool/1.0" }
                });
                if (response.status === 404) {
                  return `${language}.wikipedia.org has no article titled "${args.title}". Try search_wikipedia first.`;
                }
                if (!response.ok) {
                  throw new Error(`Wikipedia answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const page = await response.json();
                return {
                  title: page.title,
                  description: page.description ?? undefined,
                  isDisambiguation: page.type === "disambiguation",
                  summary: page.extract,
                  url: page.content_urls?.desktop?.page,
                  lastEdited: page.timestamp
                };
                """#
            ),
        ]
    )
}

private enum WikipediaSchema {
    /// Also keeps the language safe to place in the host name.
    static let language = InputSchema.string(
        "Wikipedia language edition code, e.g. en, de, fr, es, simple",
        maxLength: 12,
        pattern: "^[a-z]{2,3}(-[a-z]{2,8})?$|^simple$",
        default: "en"
    )
}
