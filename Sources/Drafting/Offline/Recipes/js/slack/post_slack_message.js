async function post_slack_message(args, ctx) {
const message = { channel: args.channel, text: args.text };
if (args.thread_ts) {
  message.thread_ts = args.thread_ts;
}
const response = await ctx.fetch("https://slack.com/api/chat.postMessage", {
  method: "POST",
  headers: {
    "Authorization": `Bearer ${ctx.secrets.SLACK_BOT_TOKEN}`,
    "Content-Type": "application/json; charset=utf-8"
  },
  body: JSON.stringify(message)
});
if (response.status === 429) {
  throw new Error(`Slack is rate limiting; retry after ${response.headers.get("retry-after") ?? "a few"} seconds.`);
}
if (!response.ok) {
  throw new Error(`Slack answered HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`);
}
const data = await response.json();
if (!data.ok) {
  const hints = {
    not_in_channel: "invite the bot to the channel first",
    channel_not_found: "use the channel id from list_slack_channels",
    missing_scope: "the token needs the chat:write scope"
  };
  throw new Error(`Slack refused the message: ${data.error}${hints[data.error] ? ` (${hints[data.error]})` : ""}`);
}
return { posted: true, channel: data.channel, ts: data.ts };
}
