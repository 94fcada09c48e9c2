import Foundation

/// How to connect each common client to a server, with the endpoint filled in, and
/// the token when the page has just created one (an `mcp`-scoped token, shown once);
/// otherwise a placeholder people replace with their own.
enum InstallSnippets {
    static let placeholder = "YOUR_API_TOKEN"

    static func all(name: String, slug: String, endpoint: String, token: String? = nil) -> [ServerPageView.Snippet] {
        let token = token ?? placeholder
        let header = "Authorization: Bearer \(token)"
        // mcp-remote's own advice: Claude Desktop on Windows passes `args` to npx without quoting, so a space
        // inside one ("Authorization: Bearer …") splits it and the server sees no token. The header's value
        // therefore comes from `env`, and the argument itself has no space.
        let desktop = """
            {
              "mcpServers": {
                "\(slug)": {
                  "command": "npx",
                  "args": ["-y", "mcp-remote", "\(endpoint)", "--header", "Authorization:${AUTH_HEADER}"],
                  "env": { "AUTH_HEADER": "Bearer \(token)" }
                }
              }
            }
            """
        let cursorConfig = #"{"url":"\#(endpoint)","headers":{"Authorization":"Bearer \#(token)"}}"#
        let cursorLink = "cursor://anysphere.cursor-deeplink/mcp/install?name=\(slug)&config=\(Data(cursorConfig.utf8).base64EncodedString())"
        let vscodeConfig = #"{"name":"\#(slug)","type":"http","url":"\#(endpoint)","headers":{"Authorization":"Bearer \#(token)"}}"#
        let vscodeLink = "vscode:mcp/install?" + (vscodeConfig.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        // The links carry one server's entry, as each editor's install link wants it; the blocks are whole files, for
        // an editor the link cannot reach (a remote machine, a browser that blocks the scheme).
        let cursorFile = """
            {
              "mcpServers": {
                "\(slug)": {
                  "url": "\(endpoint)",
                  "headers": { "Authorization": "Bearer \(token)" }
                }
              }
            }
            """
        let vscodeFile = """
            {
              "servers": {
                "\(slug)": {
                  "type": "http",
                  "url": "\(endpoint)",
                  "headers": { "Authorization": "Bearer \(token)" }
                }
              }
            }
            """
        let replace = token == placeholder ? " Replace the token placeholder." : ""
        return [
            .init(id: "claude-code", title: "Claude Code",
                  hint: "Run in a terminal. To sign in with OAuth instead of a token, leave out --header and run /mcp in Claude Code.",
                  code: "claude mcp add --transport http \(slug) \(endpoint) --header \"\(header)\"", href: nil),
            .init(id: "claude-desktop", title: "Claude Desktop", hint: "Add to claude_desktop_config.json, then restart Claude Desktop.",
                  code: desktop, href: nil),
            .init(id: "cursor", title: "Cursor", hint: "Open the link to install, or add this to ~/.cursor/mcp.json (or a project's .cursor/mcp.json)." + replace,
                  code: cursorFile, href: cursorLink),
            .init(id: "vscode", title: "VS Code", hint: "Open the link to install, or add this to .vscode/mcp.json in your project." + replace,
                  code: vscodeFile, href: vscodeLink),
            .init(id: "chatgpt", title: "ChatGPT",
                  hint: "Turn on developer mode in ChatGPT's settings (Apps & Connectors → Advanced settings), create a connector, paste the URL and choose OAuth; approve the connection when this site asks you to sign in.",
                  code: endpoint, href: nil),
        ]
    }
}
