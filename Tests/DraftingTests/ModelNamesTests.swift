import Drafting
import Testing

@Suite struct ModelNamesTests {
    @Test(arguments: [
        ("claude-haiku-4-5", "Claude Haiku"),
        ("claude-sonnet-4-5", "Claude Sonnet"),
        ("claude-sonnet-4-5-20250929", "Claude Sonnet"),
        ("claude-opus-4-1", "Claude Opus"),
        ("claude-3-5-sonnet-20241022", "Claude Sonnet"),
        ("glm-4.5-air", "GLM-4.5-Air"),
        ("glm-4.6", "GLM-4.6"),
        ("llama3.1:8b", "llama3.1:8b"),
    ])
    func showsModelsByFamily(model: String, shown: String) {
        // given a model id

        // when
        let name = ModelNames.displayName(forModel: model)

        // then
        #expect(name == shown)
    }
}
