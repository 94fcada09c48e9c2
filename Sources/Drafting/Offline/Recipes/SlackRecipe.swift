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
                implementation: RecipeCode.load(recipe: "slack", tool: "list_slack_channels")
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
                implementation: RecipeCode.load(recipe: "slack", tool: "post_slack_message")
            ),
        ]
    )
}
