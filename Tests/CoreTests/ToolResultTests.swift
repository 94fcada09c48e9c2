import Core
import Testing

private let badItems: [(JSONValue, String)] = [
    (["type": "image", "data": "not base64!!", "mimeType": "image/png"],
     "Invalid content item [0]: ctx.content.image(base64, mimeType): the data is not base64: it contains whitespace"),
    (["type": "image", "data": "iVBORw0KGgo=", "mimeType": "text/html"],
     "Invalid content item [0]: ctx.content.image(base64, mimeType) needs a mimeType like \"image/png\" (got \"text/html\")"),
    (["type": "audio", "data": "abc", "mimeType": "audio/wav"],
     "Invalid content item [0]: ctx.content.audio(base64, mimeType): the data is not base64: its length is not a multiple of 4 (is it padded with =?)"),
    (["type": "resource_link", "uri": "not a uri", "name": "x"],
     "Invalid content item [0]: ctx.content.resourceLink(uri, name) needs an absolute URI like https://example.com/report.pdf (got \"not a uri\")"),
    (["type": "resource_link", "uri": "javascript:alert(1)", "name": "click me"],
     "Invalid content item [0]: ctx.content.resourceLink: a javascript: link is not allowed (a client that shows it as a link would run or render it); link to an https:// address"),
    (["type": "resource_link", "uri": "DATA:text/html,<script>alert(1)</script>", "name": "page"],
     "Invalid content item [0]: ctx.content.resourceLink: a data: link is not allowed (a client that shows it as a link would run or render it); link to an https:// address"),
    (["type": "resource_link", "uri": "https://e.com", "name": " "],
     "Invalid content item [0]: ctx.content.resourceLink(uri, name) needs a non-empty name"),
    ("plain text", "Invalid content item [0]: is not a content item; build items with ctx.content.text, image, audio or resourceLink"),
    (["type": "text"], "Invalid content item [0]: ctx.content.text(text) needs a string"),
    (["type": "video", "data": "AA=="],
     "Invalid content item [0]: \"video\" is not a content type; build items with ctx.content.text, image, audio or resourceLink"),
]

@Suite("Tool results: structuredContent per era, outputSchema, content items")
struct ToolResultTests {
    private let schema: JSONValue = ["type": "object", "properties": ["temp": ["type": "number"]], "required": ["temp"]]

    private func success(_ value: JSONValue, isContent: Bool = false, schema: JSONValue? = nil, structured: ToolResult.StructuredContent = .anyValue) throws -> JSONValue {
        try ToolResult.success(value, isContent: isContent, outputSchema: schema, structured: structured).get()
    }

    private func failure(_ value: JSONValue, isContent: Bool = false, schema: JSONValue? = nil) -> String? {
        guard case .failure(let error) = ToolResult.success(value, isContent: isContent, outputSchema: schema, structured: .anyValue) else { return nil }
        return error.message
    }

    @Test func anyJSONValueIsStructuredUnder2026AndOnlyObjectsUnder2025() throws {
        // when
        let array = try success([1, 2], structured: .anyValue)
        let number = try success(42, structured: .anyValue)
        let text = try success("hi", structured: .anyValue)
        let legacyArray = try success([1, 2], structured: .objectsOnly)
        let legacyObject = try success(["a": 1], structured: .objectsOnly)
        let none = try success(.null, structured: .anyValue)
        // then
        #expect(array["structuredContent"] == [1, 2])
        #expect(array["content"] == [["type": "text", "text": "[1,2]"]], "text stays for clients that read only text")
        #expect(number["structuredContent"] == 42)
        #expect(text["structuredContent"] == "hi")
        #expect(text["content"] == [["type": "text", "text": "hi"]])
        #expect(legacyArray["structuredContent"] == nil)
        #expect(legacyObject["structuredContent"] == ["a": 1])
        #expect(none["structuredContent"] == nil)
    }

    @Test func outputSchemaMismatchIsAToolErrorWithThePath() throws {
        // when
        let ok = try success(["temp": 21.5], schema: schema)
        let wrong = failure(["temp": "warm"], schema: schema)
        let missing = failure(["tmp": 1], schema: schema)
        let notObject = failure("21", schema: schema)
        // then
        #expect(ok["structuredContent"] == ["temp": 21.5])
        #expect(wrong == "The result does not match the tool's outputSchema: at temp: must be a number, got string")
        #expect(missing?.hasPrefix("The result does not match the tool's outputSchema: ") == true)
        #expect(missing?.contains("temp") == true)
        #expect(notObject?.contains("object") == true)
    }

    @Test func contentItemsAreCheckedAndMixedWithText() throws {
        // given
        let image: JSONValue = ["type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"]
        let audio: JSONValue = ["type": "audio", "data": "UklGRg==", "mimeType": "audio/wav"]
        let link: JSONValue = ["type": "resource_link", "uri": "https://example.com/r.pdf", "name": "Report", "mimeType": "application/pdf"]
        // when
        let result = try success([["type": "text", "text": "Here it is"], image, audio, link], isContent: true)
        // then
        #expect(result["content"] == [["type": "text", "text": "Here it is"], image, audio, link])
        #expect(result["structuredContent"] == nil)
        #expect(result["isError"] == false)
    }

    @Test(arguments: badItems)
    func badContentIsAToolErrorWithAClearMessage(_ item: JSONValue, _ message: String) {
        #expect(failure([item], isContent: true) == message)
    }

    @Test func thePlaygroundSeesMediaAsABracketedLine() {
        // given
        let items: [JSONValue] = [
            ["type": "text", "text": "Chart:"], ["type": "image", "data": "iVBORw0KGgo=", "mimeType": "image/png"],
            ["type": "resource_link", "uri": "https://example.com/c.csv", "name": "c.csv"],
        ]
        // then
        #expect(ToolContent.plainText(items) == "Chart:\n[image: image/png, 8 bytes]\n[link: c.csv https://example.com/c.csv]")
    }

    @Test func contentFromAToolWithAnOutputSchemaIsRefused() {
        #expect(failure([["type": "text", "text": "x"]], isContent: true, schema: schema)
            == "The tool declares an outputSchema, so it must return a value matching it, not ctx.content items")
    }
}
