import Core

extension Recipe {
    /// RSS 2.0, RSS 1.0 and Atom feeds at any address the person gives, so the host list
    /// is open. The sandbox has no DOM parser; a small tag scanner reads the few elements needed.
    static let feedReader = Recipe(
        id: "rss",
        title: "RSS feeds",
        summary: "RSS feeds: read the latest items of any RSS or Atom feed and find the feeds a website offers.",
        strong: ["rss", "atom feed", "feed", "feeds", "feed reader", "podcast", "flux rss", "newsfeed"],
        weak: ["blog", "blogs", "newsletter", "headlines", "subscribe", "news", "nachrichten", "actualites", "noticias"],
        allowedDomains: ["*"],
        tools: [
            ToolSpec(
                name: "read_feed",
                description: "Read the newest items of an RSS or Atom feed: title, link, date, author and a short plain-text summary.",
                inputSchema: InputSchema.object(
                    [
                        "url": FeedSchema.url("Address of the feed, e.g. https://blog.example.com/feed.xml"),
                        "limit": InputSchema.integer("Maximum number of items", minimum: 1, maximum: 50, default: 10),
                    ],
                    required: ["url"]
                ),
                implementation: FeedCode.scanner + #"""

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
                """#
            ),
            ToolSpec(
                name: "discover_feeds",
                description: "Find the RSS or Atom feeds a website offers, from its page's feed links or common feed addresses. Use before read_feed when only a site address is known.",
                inputSchema: InputSchema.object(
                    [
                        "url": FeedSchema.url("Address of the website or page, e.g. https://example.com"),
                    ],
                    required: ["url"]
                ),
                implementation: FeedCode.scanner + #"""

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
                """#
            ),
        ]
    )
}

private enum FeedSchema {
    static func url(_ description: String) -> JSONValue {
        InputSchema.string(description, maxLength: 2000, pattern: "^https?://", format: "uri")
    }
}

private enum FeedCode {
    /// Defines `elements(source, name, max)` (each with `attributes`, `inner` and the
    /// position `at` of its attributes), `attributesOf(text)`, `decode(text)` and
    /// `clean(raw, max)`, shared by both feed tools.
    static let scanner = #"""
        const named = new Map([
          ["amp", "&"], ["lt", "<"], ["gt", ">"], ["quot", "\""], ["apos", "'"], ["nbsp", " "], ["ndash", "–"],
          ["mdash", "—"], ["hellip", "…"], ["lsquo", "‘"], ["rsquo", "’"], ["ldquo", "“"], ["rdquo", "”"]
        ]);
        const decode = (text) => text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (entity, body) => {
          if (body[0] === "#") {
            const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
            return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
          }
          return named.get(body) ?? entity;
        });

        // Every <name …>…</name> (or <name …/>) in order, found by plain string scanning.
        const elements = (source, name, max = Infinity) => {
          const found = [];
          let from = 0;
          while (found.length < max) {
            const start = source.indexOf(`<${name}`, from);
            if (start < 0) {
              break;
            }
            const afterName = start + name.length + 1;
            const next = source[afterName];
            if (next !== ">" && next !== "/" && next !== " " && next !== "\n" && next !== "\r" && next !== "\t") {
              from = afterName;
              continue;
            }
            const openEnd = source.indexOf(">", afterName);
            if (openEnd < 0) {
              break;
            }
            const attributes = source.slice(afterName, openEnd);
            if (source[openEnd - 1] === "/") {
              found.push({ attributes, inner: "", at: afterName });
              from = openEnd + 1;
              continue;
            }
            const close = source.indexOf(`</${name}>`, openEnd + 1);
            if (close < 0) {
              found.push({ attributes, inner: "", at: afterName });
              from = openEnd + 1;
              continue;
            }
            found.push({ attributes, inner: source.slice(openEnd + 1, close), at: afterName });
            from = close + name.length + 3;
          }
          return found;
        };

        // Attributes of a tag as a Map (name → decoded value); quoted or bare values.
        const attributesOf = (text) => {
          const result = new Map();
          let i = 0;
          const isSpace = (character) => character === " " || character === "\n" || character === "\r" || character === "\t";
          while (i < text.length) {
            while (i < text.length && (isSpace(text[i]) || text[i] === "/")) {
              i += 1;
            }
            let name = "";
            while (i < text.length && !isSpace(text[i]) && text[i] !== "=" && text[i] !== "/" && text[i] !== ">") {
              name += text[i];
              i += 1;
            }
            if (!name) {
              i += 1;
              continue;
            }
            while (i < text.length && isSpace(text[i])) {
              i += 1;
            }
            let value = "";
            if (text[i] === "=") {
              i += 1;
              while (i < text.length && isSpace(text[i])) {
                i += 1;
              }
              const quote = text[i];
              if (quote === "\"" || quote === "'") {
                const end = text.indexOf(quote, i + 1);
                value = text.slice(i + 1, end < 0 ? text.length : end);
                i = end < 0 ? text.length : end + 1;
              } else {
                while (i < text.length && !isSpace(text[i]) && text[i] !== ">") {
                  value += text[i];
                  i += 1;
                }
              }
            }
            result.set(name.toLowerCase(), decode(value));
          }
          return result;
        };

        // Text of an element: CDATA unwrapped, entities decoded, markup removed, spaces collapsed.
        const clean = (raw, max) => {
          let unwrapped = "";
          let rest = raw;
          while (rest) {
            const start = rest.indexOf("<![CDATA[");
            if (start < 0) {
              unwrapped += decode(rest);
              break;
            }
            unwrapped += decode(rest.slice(0, start));
            const end = rest.indexOf("]]>", start + 9);
            unwrapped += rest.slice(start + 9, end < 0 ? rest.length : end);
            rest = end < 0 ? "" : rest.slice(end + 3);
          }
          let text = "";
          for (let i = 0; i < unwrapped.length; i += 1) {
            const next = unwrapped[i + 1] ?? "";
            if (unwrapped[i] === "<" && (next === "/" || next === "!" || (next >= "a" && next <= "z") || (next >= "A" && next <= "Z"))) {
              const end = unwrapped.indexOf(">", i);
              if (end < 0) {
                break;
              }
              text += " ";
              i = end;
            } else {
              text += unwrapped[i];
            }
          }
          text = decode(text).replace(/\s+/g, " ").trim();
          return text.length > max ? `${text.slice(0, max - 1)}…` : text;
        };
        """#
}
