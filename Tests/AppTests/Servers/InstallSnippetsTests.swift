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

    @Test("without a fresh token every snippet shows the placeholder")
    func placeholderWithoutToken() throws {
        for id in ["claude-code", "claude-desktop", "cursor", "vscode"] {
            #expect(try snippet(id).code.contains(InstallSnippets.placeholder), "\(id)")
        }
    }
}
