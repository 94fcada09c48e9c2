async function list_slack_channels(args, ctx) {
const limit = args.limit ?? 100;
const filter = (args.name_contains ?? "").toLowerCase().replace(/^#/, "");
const channels = [];
let cursor = "";
for (let round = 0; round < 5 && channels.length < limit; round += 1) {
  const url = new URL("https://slack.com/api/conversations.list");
  url.searchParams.set("limit", "200");
  url.searchParams.set("exclude_archived", "true");
  url.searchParams.set("types", args.include_private ? "public_channel,private_channel" : "public_channel");
  if (cursor) {
    url.searchParams.set("cursor", cursor);
  }
  const response = await ctx.fetch(url.toString(), {
    headers: { "Authorization": `Bearer ${ctx.secrets.SLACK_BOT_TOKEN}` }
  });
  if (response.status === 429) {
    throw new Error(`Slack is rate limiting; retry after ${response.headers.get("retry-after") ?? "a few"} seconds.`);
  }
  if (!response.ok) {
    throw new Error(`Slack answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
  }
  const data = await response.json();
  if (!data.ok) {
    throw new Error(`Slack refused the request: ${data.error}`);
  }
  for (const channel of data.channels) {
    if (!filter || channel.name.includes(filter)) {
      channels.push({
        id: channel.id,
        name: `#${channel.name}`,
        isPrivate: channel.is_private,
        isMember: channel.is_member,
        members: channel.num_members,
        topic: channel.topic?.value || undefined
      });
    }
  }
  cursor = data.response_metadata?.next_cursor ?? "";
  if (!cursor) {
    break;
  }
}
return channels.slice(0, limit);
}
