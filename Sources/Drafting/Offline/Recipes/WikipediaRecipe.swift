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
                implementation: RecipeCode.load(recipe: "wikipedia", tool: "search_wikipedia")
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
                implementation: RecipeCode.load(recipe: "wikipedia", tool: "wikipedia_summary")
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
