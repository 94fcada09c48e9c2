import Core

extension Recipe {
    /// Open Library search and book data, no key. Open Library asks callers to identify
    /// themselves, hence the User-Agent.
    static let books = Recipe(
        id: "books",
        title: "Books",
        summary: "Books: search Open Library by title, author or subject and look up a book by ISBN.",
        strong: ["open library", "openlibrary", "books", "isbn", "buch", "bucher", "livre", "libro", "reading list"],
        weak: ["book", "author", "authors", "novel", "novels", "library", "publisher", "autor", "auteur", "roman"],
        allowedDomains: ["openlibrary.org"],
        tools: [
            ToolSpec(
                name: "search_books",
                description: "Search Open Library for books by title words, author or subject; returns title, authors, first publication year, editions and an ISBN.",
                inputSchema: InputSchema.object(
                    [
                        "query": InputSchema.string("Title words or general search words", maxLength: 200),
                        "author": InputSchema.string("Author name", maxLength: 100),
                        "subject": InputSchema.string("Subject, e.g. science fiction", maxLength: 100),
                        "limit": InputSchema.integer("Maximum number of books", minimum: 1, maximum: 25, default: 5),
                    ]
                ),
                implementation: RecipeCode.load(recipe: "books", tool: "search_books")
            ),
            ToolSpec(
                name: "book_by_isbn",
                description: "Details of one edition by ISBN-10 or ISBN-13: title, authors, publishers, publication date, pages and subjects.",
                inputSchema: InputSchema.object(
                    [
                        "isbn": InputSchema.string("ISBN-10 or ISBN-13; hyphens and spaces are ignored", minLength: 10, maxLength: 20, pattern: "^[0-9Xx -]+$"),
                    ],
                    required: ["isbn"]
                ),
                implementation: RecipeCode.load(recipe: "books", tool: "book_by_isbn")
            ),
        ]
    )
}
