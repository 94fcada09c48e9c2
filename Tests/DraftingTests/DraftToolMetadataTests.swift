import AsyncHTTPClient
import Core
import Drafting
import Foundation
import Testing

/// Drafts keep the title and annotations the model gives each tool, and the offline
/// recipes give every tool both.
@Suite struct DraftToolMetadataTests {
    static var annotatedSpec: ServerSpec {
        var spec = Fixtures.weatherSpec
        spec.tools[0].title = "Get forecast"
        spec.tools[0].annotations = ToolAnnotations(readOnlyHint: true, openWorldHint: true)
        return spec
    }

    @Test func anthropicDraftsKeepTitleAndAnnotationsAndTheToolSchemaAsksForThem() async throws {
        // given
        let body = AnthropicBodies.message(content: AnthropicBodies.toolUse(Fixtures.json(Self.annotatedSpec)))
        try await withServer(.json(body)) { server, client in
            let drafter = AnthropicDrafter(
                configuration: .init(apiKey: Fixtures.apiKey, baseURL: server.baseURL + "/", timeout: .seconds(5), maxTokens: 4096),
                httpClient: client)
            // when
            let result = try await drafter.draft(Fixtures.request)
            // then
            #expect(result.spec.tools[0].title == "Get forecast")
            #expect(result.spec.tools[0].annotations == ToolAnnotations(readOnlyHint: true, openWorldHint: true))
            let request = try #require(server.requests.first)
            let sent = try #require(request.jsonObject)
            let schema = try #require((sent["tools"] as? [[String: Any]])?.first?["input_schema"] as? [String: Any])
            let toolItems = ((schema["properties"] as? [String: Any])?["tools"] as? [String: Any])?["items"] as? [String: Any]
            #expect((toolItems?["required"] as? [String])?.contains("annotations") == true)
            #expect((toolItems?["required"] as? [String])?.contains("title") == true)
        }
    }

    @Test func openAICompatibleDraftsKeepTitleAndAnnotations() async throws {
        // given
        let body = OpenAIBodies.completion(content: "```json\n\(Fixtures.json(Self.annotatedSpec))\n```")
        try await withServer(.json(body)) { server, client in
            let drafter = OpenAICompatibleDrafter(
                configuration: .init(apiKey: nil, baseURL: server.baseURL + "/v1/", timeout: .seconds(5), modelOverride: nil),
                httpClient: client)
            // when
            let result = try await drafter.draft(DraftRequest(prompt: "Weather.", model: "glm-4.5-air"))
            // then
            #expect(result.spec == Self.annotatedSpec)
            let request = try #require(server.requests.first)
            let sent = try #require(request.jsonObject)
            let system = (sent["messages"] as? [[String: Any]])?.first?["content"] as? String
            #expect(system?.contains("readOnlyHint") == true)
        }
    }

    @Test(arguments: OfflineDrafter.catalog.map(\.id))
    func everyRecipeToolHasATitleAndAnnotations(id: String) throws {
        // given
        let recipe = try #require(OfflineDrafter.recipe(id: id))
        // then
        for tool in recipe.tools {
            #expect(tool.title?.isEmpty == false, "\(tool.name) has no title")
            #expect(tool.annotations?.readOnlyHint != nil, "\(tool.name) does not say whether it only reads")
        }
    }

    @Test func writingRecipeToolsAreNotReadOnly() throws {
        // given
        let tools = OfflineDrafter.catalog.flatMap(\.tools)
        // when
        let writers = tools.filter { $0.annotations?.readOnlyHint == false }.map(\.name)
        // then
        #expect(Set(writers) == ["create_github_issue", "create_linear_issue", "post_slack_message", "call_json_api"])
    }
}
