import Core
import Drafting
import Testing

@Suite struct SpecExtractionTests {
    @Test func findsAFencedSpecAfterAPreamble() throws {
        // given
        let text = "Sure! Here is your server:\n\n```json\n\(Fixtures.json(Fixtures.weatherSpec))\n```\n\nEnjoy."

        // when
        let spec = try SpecExtraction.spec(in: text)

        // then
        #expect(spec == Fixtures.weatherSpec)
    }

    @Test func findsABareSpecAfterAPreambleWithBraces() throws {
        // given braces in the preamble and in the implementation's strings
        var expected = Fixtures.weatherSpec
        expected.tools[0].implementation = #"return { text: "a } b \" { c" };"#
        let text = "I used the {city} argument as asked. \(Fixtures.json(expected)) Let me know."

        // when
        let spec = try SpecExtraction.spec(in: text)

        // then
        #expect(spec == expected)
    }

    @Test func acceptsRawNewlinesInsideStrings() throws {
        // given a model that wrote real line breaks inside a JSON string
        let text = """
            {"name": "Echo", "slug": "echo", "description": "Echoes.", "tools": [{"name": "echo", "description": "Echo",
            "inputSchema": {"type": "object"}, "implementation": "const x = args.text;
            return x;"}]}
            """

        // when
        let spec = try SpecExtraction.spec(in: text)

        // then
        #expect(spec.tools.first?.implementation == "const x = args.text;\nreturn x;")
    }

    @Test func reportsTextWithoutASpec() {
        // given
        let text = "I cannot help with that {sorry}."

        // when
        let json = SpecExtraction.specJSON(in: text)

        // then
        #expect(json == nil)
        #expect(throws: DraftingError.specInvalid("The model's answer did not contain a JSON spec.")) {
            try SpecExtraction.spec(in: text)
        }
    }

    @Test func reportsATruncatedObject() {
        // given
        let text = String(Fixtures.json(Fixtures.weatherSpec).dropLast(10))

        // when
        let json = SpecExtraction.specJSON(in: text)

        // then
        #expect(json == nil)
    }
}
