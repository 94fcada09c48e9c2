async function search_notion(args, ctx) {
const body = {
  query: args.query ?? "",
  page_size: args.limit ?? 10,
  sort: { direction: "descending", timestamp: "last_edited_time" }
};
if (args.kind && args.kind !== "any") {
  body.filter = { property: "object", value: args.kind };
}
const response = await ctx.fetch("https://api.notion.com/v1/search", {
  method: "POST",
  headers: {
    "Authorization": `Bearer ${ctx.secrets.NOTION_TOKEN}`,
    "Notion-Version": "2022-06-28",
    "Content-Type": "application/json"
  },
  body: JSON.stringify(body)
});
if (!response.ok) {
  throw new Error(`Notion answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}

const plain = (richText) => (richText ?? []).map((part) => part.plain_text).join("");
const titleOf = (item) => {
  if (item.object === "database") {
    return plain(item.title);
  }
  const titleProperty = Object.values(item.properties ?? {}).find((property) => property.type === "title");
  return plain(titleProperty?.title);
};
const results = (await response.json()).results;
return results.map((item) => ({
  id: item.id,
  kind: item.object,
  title: titleOf(item) || "(untitled)",
  lastEdited: item.last_edited_time,
  url: item.url
}));
}
