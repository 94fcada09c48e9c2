async function book_by_isbn(args, ctx) {
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
}
