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
                implementation: #"""
                if (!args.query && !args.author && !args.subject) {
                  throw new Error("Give at least one of query, author or subject.");
                }
                const url = new URL("https://openlibrary.org/search.json");
                if (args.query) {
                  url.searchParams.set("q", args.query);
                }
                if (args.author) {
                  url.searchParams.set("author", args.author);
                }
                if (args.subject) {
                  url.searchParams.set("subject", args.subject);
                }
                url.searchParams.set("limit", String(args.limit ?? 5));
                url.searchParams.set("fields", "key,title,subtitle,author_name,first_publish_year,edition_count,isbn,number_of_pages_median");
                const response = await ctx.fetch(url.toString(), {
                  headers: { "User-Agent": "BuildMyMCPServer-tool/1.0" }
                });
                if (!response.ok) {
                  throw new Error(`Open Library answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const result = await response.json();
                return {
                  totalFound: result.numFound,
                  books: result.docs.map((book) => ({
                    title: book.subtitle ? `${book.title}: ${book.subtitle}` : book.title,
                    authors: book.author_name ?? [],
                    firstPublished: book.first_publish_year,
                    editions: book.edition_count,
                    pages: book.number_of_pages_median ?? undefined,
                    isbn: book.isbn?.[0],
                    url: `https://openlibrary.org${book.key}`
                  }))
                };
                """#
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
                implementation: #"""
                const isbn = args.isbn.replace(/[ -]/g, "").toUpperCase();
                if (!/^(\d{9}[\dX]|\d{13})$/.test(isbn)) {
                  throw new Error(`${args.isbn} is not a 10- or 13-digit ISBN.`);
                }
                const url = new URL("https://openlibrary.org/api/books");
                url.searchParams.set("bibkeys", `ISBN:${isbn}`);
                url.searchParams.set("format", "json");
                url.searchParams.set("jscmd", "data");
                const response = await ctx.fetch(url.toString(), {
                  headers: { "User-Agent": "BuildMyMCPServer-tool/1.0" }
                });
                if (!response.ok) {
                  throw new Error(`Open Library answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
                }
                const book = (await response.json())[`ISBN:${isbn}`];
                if (!book) {
                  return `Open Library has no edition with ISBN ${isbn}.`;
                }
                return {
                  title: book.subtitle ? `${book.title}: ${book.subtitle}` : book.title,
                  authors: (book.authors ?? []).map((author) => author.name),
                  publishers: (book.publishers ?? []).map((publisher) => publisher.name),
                  published: book.publish_date,
                  pages: book.number_of_pages,
                  subjects: (book.subjects ?? []).slice(0, 10).map((subject) => subject.name),
                  url: book.url
                };
                """#
            ),
        ]
    )
}
