async function read_feed(args, ctx) {
const response = await ctx.fetch(args.url, {
  headers: { "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5" }
});
if (!response.ok) {
  throw new Error(`The feed answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const xml = await response.text();
const limit = args.limit ?? 10;

let isAtom = false;
let blocks = elements(xml, "item", limit);
if (blocks.length === 0) {
  blocks = elements(xml, "entry", limit);
  isAtom = blocks.length > 0 || xml.includes("<feed");
}
if (blocks.length === 0 && !xml.includes("<rss") && !xml.includes("<feed") && !xml.includes("<rdf:RDF")) {
  throw new Error("That address did not return an RSS or Atom feed. Try discover_feeds with the site's home page.");
}

const firstOf = (source, names) => {
  for (const name of names) {
    const [element] = elements(source, name, 1);
    if (element && element.inner.trim()) {
      return element.inner;
    }
  }
  return "";
};
const absolute = (link) => {
  try {
    return new URL(link, args.url).toString();
  } catch {
    return link;
  }
};
const linkOf = (source) => {
  if (!isAtom) {
    return clean(firstOf(source, ["link", "guid"]), 500);
  }
  const links = elements(source, "link").map((element) => attributesOf(element.attributes));
  const chosen = links.find((link) => (link.get("rel") ?? "alternate") === "alternate") ?? links[0];
  return chosen?.get("href") ?? "";
};
const dateOf = (source) => {
  const text = clean(firstOf(source, ["pubDate", "published", "updated", "dc:date"]), 100);
  const date = new Date(text);
  return text && !Number.isNaN(date.getTime()) ? date.toISOString() : text || undefined;
};
const authorOf = (source) => {
  const author = firstOf(source, ["author", "dc:creator"]);
  const [name] = elements(author, "name", 1);
  return clean(name ? name.inner : author, 100) || undefined;
};

const firstBlock = xml.indexOf(isAtom ? "<entry" : "<item");
const head = firstBlock < 0 ? xml : xml.slice(0, firstBlock);
return {
  feed: clean(firstOf(head, ["title"]), 200),
  url: args.url,
  items: blocks.map(({ inner }) => {
    const link = linkOf(inner);
    return {
      title: clean(firstOf(inner, ["title"]), 200) || "(untitled)",
      link: link ? absolute(link) : undefined,
      published: dateOf(inner),
      author: authorOf(inner),
      summary: clean(firstOf(inner, ["description", "summary", "content:encoded", "content"]), 300) || undefined
    };
  })
};
}
