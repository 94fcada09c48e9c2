import Core

extension Recipe {
    /// Slack Web API with a bot token. Slack reports most failures as HTTP 200 with
    /// `ok: false`, so both are checked.
    static let slack = Recipe(
        id: "slack",
        title: "Slack",
        summary: "Slack: list the workspace's channels and post messages, including replies in threads, as a bot.",
        strong: ["slack"],
        weak: ["channel", "message", "chat", "notify", "notification", "team chat", "kanal", "nachricht", "canal", "mensaje"],
        requiredSecrets: [
            RequiredSecret(
                key: "SLACK_BOT_TOKEN",
                description: "Bot User OAuth Token of a Slack app installed in your workspace, with the chat:write, channels:read and groups:read scopes. Invite the bot to the channels it should post in.",
                howToGetUrl: "https://api.slack.com/apps"
            ),
        ],
        allowedDomains: ["slack.com"],
        tools: [
            ToolSpec(
                name: "list_slack_channels",
                description: "List Slack channels the bot can see, with their ids (needed to post), topics and member counts.",
                inputSchema: InputSchema.object(
                    [
                        "include_private": InputSchema.boolean("Also list private channels the bot is a member of", default: false),
                        "name_contains": InputSchema.string("Only channels whose name contains this text", maxLength: 80),
                        "limit": InputSchema.integer("Maximum number of channels", minimum: 1, maximum: 500, default: 100),
                    ]
                ),
                implementation: #"""
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
                """#
            ),
            ToolSpec(
                name: "post_slack_message",
                description: "Post a message to a Slack channel, or reply in a thread. The bot must be a member of the channel.",
                inputSchema: InputSchema.object(
                    [
                        "channel": InputSchema.string("Channel id such as C0123456789 (preferred) or a name such as #general", minLength: 1, maxLength: 80),
                        "text": InputSchema.string("Message text; Slack mrkdwn such as *bold* and <https://example.com|links> works", minLength: 1, maxLength: 4000),
                        "thread_ts": InputSchema.string("Timestamp of the parent message to reply in its thread", pattern: #"^\d+\.\d+$"#),
                    ],
                    required: ["channel", "text"]
                ),
                implementation: #"""
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
                """#
            ),
        ]
    )
}
