@testable import App
import Foundation
import Testing

@Suite("Client install snippets")
struct InstallSnippetsTests {
    private func snippet(_ id: String, token: String? = nil) throws -> ServerPageView.Snippet {
        let all = InstallSnippets.all(name: "Weather", slug: "weather", endpoint: "https://bmm.example/mcp/abc", token: token)
        return try #require(all.first { $0.id == id })
    }

    @Test("Claude Desktop's block is JSON whose arguments hold no space, the token coming from env")
    func claudeDesktopArgumentsHaveNoSpaces() throws {
        // when
        let code = try snippet("claude-desktop", token: "bmm_abc123").code
        // then
        let root = try #require(JSONSerialization.jsonObject(with: Data(code.utf8)) as? [String: Any])
        let server = try #require((root["mcpServers"] as? [String: Any])?["weather"] as? [String: Any])
        let args = try #require(server["args"] as? [String])
        #expect(args.contains("https://bmm.example/mcp/abc"))
        #expect(args.allSatisfy { !$0.contains(" ") }, "Claude Desktop on Windows splits an argument at its spaces: \(args)")
        let header = try #require(args.last)
        #expect(header == "Authorization:${AUTH_HEADER}")
        #expect((server["env"] as? [String: String])?["AUTH_HEADER"] == "Bearer bmm_abc123")
    }

    @Test("Cursor's and VS Code's blocks are whole config files (mcpServers, servers); their links carry the one entry")
    func editorBlocksAreWholeFiles() throws {
        let cursor = try snippet("cursor", token: "bmm_abc123")
        let cursorRoot = try #require(JSONSerialization.jsonObject(with: Data(cursor.code.utf8)) as? [String: Any])
        let cursorEntry = try #require((cursorRoot["mcpServers"] as? [String: Any])?["weather"] as? [String: Any])
        #expect(cursorEntry["url"] as? String == "https://bmm.example/mcp/abc")
        #expect((cursorEntry["headers"] as? [String: String])?["Authorization"] == "Bearer bmm_abc123")
        let config = try #require(cursor.href.flatMap { URLComponents(string: $0) }?.queryItems?.first { $0.name == "config" }?.value)
        let decoded = try #require(Data(base64Encoded: config))
        let linked = try #require(JSONSerialization.jsonObject(with: decoded) as? [String: Any])
        #expect(linked["url"] as? String == "https://bmm.example/mcp/abc")

        let vscode = try snippet("vscode", token: "bmm_abc123")
        let vscodeRoot = try #require(JSONSerialization.jsonObject(with: Data(vscode.code.utf8)) as? [String: Any])
        let vscodeEntry = try #require((vscodeRoot["servers"] as? [String: Any])?["weather"] as? [String: Any])
        #expect(vscodeEntry["type"] as? String == "http" && vscodeEntry["url"] as? String == "https://bmm.example/mcp/abc")
        #expect(vscode.hint.contains(".vscode/mcp.json") && cursor.hint.contains(".cursor/mcp.json"))
    }

    @Test("without a fresh token every snippet shows the placeholder")
    func placeholderWithoutToken() throws {
        for id in ["claude-code", "claude-desktop", "cursor", "vscode"] {
            #expect(try snippet(id).code.contains(InstallSnippets.placeholder), "\(id)")
        }
    }
}
