@testable import App
import AsyncHTTPClient
import Core
import Testing

/// Which provider and model each plan drafts with, for the providers an operator configured.
@Suite("Drafting: the model each plan asks for")
struct DraftingChoiceTests {
    @Test("with only an OpenAI-compatible server, a plan on Claude asks it for the open-weight model, unless OPENAI_MODEL names one")
    func onlyOpenAICompatible() {
        let client = HTTPClient.shared
        let server = DraftingSettings.OpenAICompatible(baseURL: "http://127.0.0.1:11434/v1", apiKey: nil, model: nil)
        let plain = DraftingEnvironment.providers(DraftingSettings(anthropic: nil, openAI: server, timeoutSeconds: 30), httpClient: client)
        var named = server
        named.model = "glm4:9b"
        let withModel = DraftingEnvironment.providers(DraftingSettings(anthropic: nil, openAI: named, timeoutSeconds: 30), httpClient: client)

        let team = PlanTable.plan(.team)
        #expect(team.draftingModel.hasPrefix("claude"))
        #expect(plain.choose(team).model == PlanTable.plan(.hobby).draftingModel)
        #expect(plain.choose(team).label == plain.choose(PlanTable.plan(.hobby)).label)
        #expect(!plain.choose(team).label.contains("Claude"))
        #expect(withModel.choose(team).model == "glm4:9b")
    }
}
