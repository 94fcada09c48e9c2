import Core

extension Recipe {
    /// Counts and reading time for a text, computed locally.
    static let textStatistics = Recipe(
        id: "text_statistics",
        title: "Text statistics",
        summary: "Text statistics: words, sentences, characters, reading and speaking time, and the most frequent words of a text.",
        strong: [
            "word count", "count words", "text statistics", "text stats", "reading time", "readability", "character count",
            "count characters", "wortzahl", "worter zahlen", "textstatistik", "lesezeit", "nombre de mots", "compter les mots",
            "temps de lecture", "contar palabras", "tiempo de lectura", "word frequency",
        ],
        weak: ["words", "text", "sentences", "characters", "essay", "essays", "statistics", "analyse", "analyze", "count", "worter", "mots", "palabras"],
        tools: [
            ToolSpec(
                name: "text_statistics",
                description: "Statistics of a text: characters, words, unique words, sentences, paragraphs, averages, reading and speaking time, and the most frequent words (common filler words left out).",
                inputSchema: InputSchema.object(
                    [
                        "text": InputSchema.string("The text to analyse", minLength: 1, maxLength: 200000),
                        "top_words": InputSchema.integer("How many of the most frequent words to list", minimum: 0, maximum: 50, default: 10),
                        "words_per_minute": InputSchema.integer("Reading speed used for the reading time", minimum: 50, maximum: 1000, default: 230),
                    ],
                    required: ["text"]
                ),
                implementation: RecipeCode.load(recipe: "text_statistics", tool: "text_statistics")
            ),
        ]
    )
}
