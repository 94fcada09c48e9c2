async function discover_feeds(args, ctx) {
const looksLikeFeed = (text) => {
  const start = text.slice(0, 3000);
  return start.includes("<rss") || start.includes("<feed") || start.includes("<rdf:RDF");
};
const response = await ctx.fetch(args.url, {
  headers: { "Accept": "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.5" }
});
if (!response.ok) {
  throw new Error(`The site answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const page = await response.text();
if (looksLikeFeed(page)) {
  return { feeds: [{ url: args.url, note: "This address is itself a feed." }] };
}

// Feed links sit in the head, near the top. Lower-casing only A-Z keeps every
// index valid in the original text, whose attribute values keep their case.
const top = page.slice(0, 300000);
const lowered = top.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
const feedTypes = ["application/rss+xml", "application/atom+xml", "application/feed+json"];
const feeds = [];
for (const element of elements(lowered, "link")) {
  const attributes = attributesOf(top.slice(element.at, element.at + element.attributes.length));
  const rel = (attributes.get("rel") ?? "").toLowerCase().split(/\s+/);
  const type = (attributes.get("type") ?? "").toLowerCase();
  const href = attributes.get("href");
  if (href && rel.includes("alternate") && feedTypes.includes(type)) {
    const url = new URL(href, args.url).toString();
    if (!feeds.some((feed) => feed.url === url)) {
      feeds.push({ url, title: attributes.get("title") || undefined, type });
    }
  }
}
if (feeds.length > 0) {
  return { feeds };
}

for (const path of ["/feed", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml"]) {
  const candidate = new URL(path, args.url).toString();
  const attempt = await ctx.fetch(candidate);
  if (attempt.ok && looksLikeFeed(await attempt.text())) {
    return { feeds: [{ url: candidate, note: "Found at a common feed address; the page does not link it." }] };
  }
}
return `No feed was found for ${args.url}. The site may not offer one.`;
}
