async function read_notion_page(args, ctx) {
// Page links end in the 32-hex-digit id, possibly after a title that itself
// contains hex letters ("Cafe-1a2b…"), so take the last 32 digits of the last run.
const address = args.page.split(/[?#]/)[0].replace(/-/g, "");
const runs = address.match(/[0-9a-fA-F]{32,}/g);
if (!runs) {
  throw new Error("That does not look like a Notion page id or link.");
}
const pageId = runs[runs.length - 1].slice(-32);
const headers = {
  "Authorization": `Bearer ${ctx.secrets.NOTION_TOKEN}`,
  "Notion-Version": "2022-06-28"
};
const failure = async (response) =>
  new Error(`Notion answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);

const pageResponse = await ctx.fetch(`https://api.notion.com/v1/pages/${pageId}`, { headers });
if (!pageResponse.ok) {
  throw await failure(pageResponse);
}
const page = await pageResponse.json();

const plain = (richText) => (richText ?? []).map((part) => part.plain_text).join("");
const propertyText = (property) => {
  switch (property.type) {
    case "title": return plain(property.title);
    case "rich_text": return plain(property.rich_text);
    case "number": return property.number;
    case "select": return property.select?.name ?? null;
    case "status": return property.status?.name ?? null;
    case "multi_select": return property.multi_select.map((option) => option.name);
    case "date": return property.date ? [property.date.start, property.date.end].filter(Boolean).join(" → ") : null;
    case "checkbox": return property.checkbox;
    case "url": return property.url;
    case "email": return property.email;
    case "phone_number": return property.phone_number;
    case "people": return property.people.map((person) => person.name ?? person.id);
    default: return undefined;
  }
};
let title = "";
const properties = {};
for (const [name, property] of Object.entries(page.properties ?? {})) {
  if (property.type === "title") {
    title = plain(property.title);
  } else {
    const value = propertyText(property);
    if (value !== undefined) {
      properties[name] = value;
    }
  }
}

const lines = [];
let cursor;
for (let round = 0; round < 3; round += 1) {
  const url = new URL(`https://api.notion.com/v1/blocks/${pageId}/children`);
  url.searchParams.set("page_size", "100");
  if (cursor) {
    url.searchParams.set("start_cursor", cursor);
  }
  const response = await ctx.fetch(url.toString(), { headers });
  if (!response.ok) {
    throw await failure(response);
  }
  const batch = await response.json();
  for (const block of batch.results) {
    const content = block[block.type] ?? {};
    const text = plain(content.rich_text);
    switch (block.type) {
      case "heading_1": lines.push(`# ${text}`); break;
      case "heading_2": lines.push(`## ${text}`); break;
      case "heading_3": lines.push(`### ${text}`); break;
      case "bulleted_list_item": lines.push(`- ${text}`); break;
      case "numbered_list_item": lines.push(`1. ${text}`); break;
      case "to_do": lines.push(`[${content.checked ? "x" : " "}] ${text}`); break;
      case "quote": lines.push(`> ${text}`); break;
      case "code": lines.push("```" + (content.language ?? ""), text, "```"); break;
      case "child_page": lines.push(`(sub-page: ${content.title})`); break;
      case "child_database": lines.push(`(database: ${content.title})`); break;
      case "divider": lines.push("---"); break;
      default: if (text) { lines.push(text); }
    }
  }
  if (!batch.has_more) {
    cursor = undefined;
    break;
  }
  cursor = batch.next_cursor;
}

const text = lines.join("\n");
return {
  id: page.id,
  title: title || "(untitled)",
  url: page.url,
  lastEdited: page.last_edited_time,
  properties,
  text: text.length > 12000 ? `${text.slice(0, 12000)}\n…(truncated)` : text,
  moreBlocks: Boolean(cursor)
};
}
