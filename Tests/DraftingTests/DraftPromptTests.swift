import Core
import Drafting
import Testing

@Suite struct DraftPromptTests {
    /// The message with the request's own fields cut out: what is left is fixed wording.
    private func framing(of request: DraftRequest) -> String {
        var message = DraftPrompt.userMessage(for: request)
        var fields = [request.prompt] + [request.name, request.slug].compactMap { $0 }
        if let spec = request.revising { fields.append(DraftPrompt.json(spec)) }
        for field in fields {
            #expect(message.contains(field))
            message = message.replacingOccurrences(of: field, with: "")
        }
        return message
    }

    @Test func userMessageCarriesOnlyThePromptNameAndSlug() {
        // given two requests that differ in every field
        let first = DraftRequest(
            prompt: "Track parcels with DHL.", name: "Parcels", slug: "parcels", model: "model-one")
        let second = DraftRequest(prompt: "Summarise RSS feeds.", name: "Feeds", slug: "feeds", model: "model-two")

        // when
        let firstFraming = framing(of: first)
        let secondFraming = framing(of: second)

        // then nothing else varies, so nothing else (no secret, no model id) can be in it
        #expect(firstFraming == secondFraming)
        #expect(!DraftPrompt.userMessage(for: first).contains("model-one"))
    }

    @Test func revisionMessageCarriesOnlyThePromptAndTheCurrentSpec() {
        // given two revisions of different specs
        let first = DraftRequest(prompt: "Add a tool for tomorrow.", model: "m", revising: Fixtures.weatherSpec)
        var other = Fixtures.weatherSpec
        other.slug = "other-weather"
        other.tools[0].implementation = "return 'sunny';"
        let second = DraftRequest(prompt: "Rename the tool.", model: "m", revising: other)

        // when
        let firstFraming = framing(of: first)
        let secondFraming = framing(of: second)

        // then
        #expect(firstFraming == secondFraming)
        #expect(firstFraming.contains("implementation included"))
    }

    @Test func revisionShowsTheSpecWithItsImplementations() {
        // given
        let request = DraftRequest(prompt: "Also return the humidity.", model: "m", revising: Fixtures.weatherSpec)

        // when
        let message = DraftPrompt.userMessage(for: request)

        // then
        #expect(message.contains("```json\n{"))
        #expect(message.contains(#""name" : "get_forecast""#))
        #expect(message.contains("ctx.secrets.WEATHER_API_KEY"))
        #expect(message.contains("Also return the humidity."))
    }

    @Test func systemPromptTeachesTheContract() {
        // given
        let expectedParts = [
            "^[a-z0-9][a-z0-9-]{0,63}$", "^[a-z][a-z0-9_]{0,63}$", "^[A-Z][A-Z0-9_]{0,63}$",
            "(args, ctx)", "ctx.fetch(url, init)", "headers.get(name)", "ctx.secrets.NAME", "ctx.log(",
            "allowedDomains", "howToGetUrl", "anyOf, oneOf", "date-time", "crypto.randomUUID()", "eval",
            "new Function", "require", "process", "\"title\"", "readOnlyHint", "destructiveHint", "idempotentHint",
            "openWorldHint",
        ]

        // when
        let toolCall = DraftPrompt.system(answer: .toolCall)
        let jsonText = DraftPrompt.system(answer: .jsonText)

        // then
        for part in expectedParts {
            #expect(toolCall.contains(part), "missing \(part)")
            #expect(jsonText.contains(part), "missing \(part)")
        }
        #expect(toolCall.contains("`submit_server_spec`"))
        #expect(jsonText.contains("```json"))
    }

    @Test func toolSchemaRequiresEveryField() {
        // given
        let schema = DraftPrompt.specSchema

        // when
        let required = schema["required"]?.arrayValue?.compactMap(\.stringValue)
        let toolRequired = schema["properties"]?["tools"]?["items"]?["required"]?.arrayValue?.compactMap(\.stringValue)

        // then
        #expect(schema["type"] == "object")
        #expect(Set(required ?? []) == ["name", "slug", "description", "tools", "requiredSecrets", "allowedDomains"])
        #expect(Set(toolRequired ?? []) == ["name", "title", "description", "annotations", "inputSchema", "implementation"])
        let hints = schema["properties"]?["tools"]?["items"]?["properties"]?["annotations"]?["properties"]?.objectValue?.keys
        #expect(Set(hints.map(Array.init) ?? []) == ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"])
    }
}
