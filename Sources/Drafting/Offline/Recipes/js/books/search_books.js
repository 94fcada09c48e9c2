async function search_books(args, ctx) {
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
}
