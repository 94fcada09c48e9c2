import Core
import Foundation
import Testing

private let iconTypes = "image/png, image/jpeg, image/svg+xml, image/webp"
private let pngData = "iVBORw0KGgo="

private let metadataCases: [SpecRuleCase] = [
    SpecRuleCase("title empty", "tools[0].title", "is empty; write a short human-readable name, or remove it") { $0.tools[0].title = " " },
    SpecRuleCase("title too long", "tools[0].title", "is 81 characters long; the limit is 80") { $0.tools[0].title = String(repeating: "t", count: 81) },
    SpecRuleCase(
        "read-only and destructive", "tools[1].annotations.destructiveHint",
        "is true but readOnlyHint is true; a read-only tool cannot be destructive"
    ) { $0.tools[1].annotations = ToolAnnotations(readOnlyHint: true, destructiveHint: true) },
    SpecRuleCase(
        "outputSchema not an object", "tools[0].outputSchema",
        "must be a JSON Schema object, got array; start from {\"type\": \"object\", \"properties\": {…}} or remove it"
    ) { $0.tools[0].outputSchema = [] },
    SpecRuleCase(
        "outputSchema null", "tools[0].outputSchema",
        "must be a JSON Schema object, got null; start from {\"type\": \"object\", \"properties\": {…}} or remove it"
    ) { $0.tools[0].outputSchema = .null },
    SpecRuleCase(
        "outputSchema of another type", "tools[0].outputSchema.type",
        "must be \"object\": MCP results are described by an object schema, got \"array\""
    ) { $0.tools[0].outputSchema = ["type": "array"] },
    SpecRuleCase(
        "outputSchema without type", "tools[0].outputSchema.type",
        "must be \"object\": MCP results are described by an object schema (it is missing)"
    ) { $0.tools[0].outputSchema = ["properties": [:]] },
    SpecRuleCase(
        "outputSchema problem inside", "tools[0].outputSchema.properties.temp.type",
        "\"numbr\" is not a type; use one of: array, boolean, integer, null, number, object, string"
    ) { $0.tools[0].outputSchema = ["type": "object", "properties": ["temp": ["type": "numbr"]]] },
    SpecRuleCase(
        "icon over http", "tools[0].icons[0].src",
        "must be an https URL like https://example.com/icon.png or a data:image/png;base64,… URI, not a http: link (clients fetch icons only over https)"
    ) { $0.tools[0].icons = [ToolIcon(src: "http://example.com/i.png")] },
    SpecRuleCase(
        "icon javascript link", "tools[0].icons[0].src",
        "must be an https URL like https://example.com/icon.png or a data:image/png;base64,… URI, not a javascript: link (clients fetch icons only over https)"
    ) { $0.tools[0].icons = [ToolIcon(src: "javascript:alert(1)")] },
    SpecRuleCase("icon mimeType", "tools[0].icons[0].mimeType", "\"text/html\" is not an icon type clients show; use one of \(iconTypes)") {
        $0.tools[0].icons = [ToolIcon(src: "https://example.com/i.png", mimeType: "text/html")]
    },
    SpecRuleCase("icon size", "tools[0].icons[0].sizes[1]", "\"big\" must be WIDTHxHEIGHT in pixels, like \"48x48\", or \"any\" for a scalable icon") {
        $0.tools[0].icons = [ToolIcon(src: "https://example.com/i.png", sizes: ["48x48", "big"])]
    },
    SpecRuleCase("icon theme", "tools[0].icons[0].theme", "\"blue\" must be \"light\" or \"dark\"") {
        $0.tools[0].icons = [ToolIcon(src: "https://example.com/i.png", theme: "blue")]
    },
    SpecRuleCase("data URI bad base64", "tools[0].icons[0].src", "carries data that is not base64: it contains \"!\"") {
        $0.tools[0].icons = [ToolIcon(src: "data:image/png;base64,iVBO!Kgo")]
    },
    SpecRuleCase("data URI of html", "tools[0].icons[0].src", "has media type \"text/html\"; use one of \(iconTypes)") {
        $0.tools[0].icons = [ToolIcon(src: "data:text/html;base64,\(pngData)")]
    },
    SpecRuleCase("data URI against mimeType", "tools[0].icons[0].src", "has media type \"image/png\" but mimeType says \"image/webp\"") {
        $0.tools[0].icons = [ToolIcon(src: "data:image/png;base64,\(pngData)", mimeType: "image/webp")]
    },
    SpecRuleCase("data URI not base64", "tools[0].icons[0].src", "must be a base64 data: URI, like data:image/png;base64,iVBORw0KGgo…") {
        $0.tools[0].icons = [ToolIcon(src: "data:image/svg+xml,<svg/>")]
    },
    SpecRuleCase("too many icons", "tools[0].icons", "lists 9 icons; the limit is 8") {
        $0.tools[0].icons = Array(repeating: ToolIcon(src: "https://example.com/i.png"), count: 9)
    },
]

@Suite("Tool metadata: title, annotations, outputSchema, icons")
struct ToolMetadataValidationTests {
    @Test func fullMetadataIsValidAndRoundTrips() throws {
        // given
        var spec = validSpec()
        spec.tools[0].title = "Get forecast"
        spec.tools[0].annotations = ToolAnnotations(readOnlyHint: true, idempotentHint: true)
        spec.tools[0].outputSchema = ["type": "object", "properties": ["temp": ["type": "number"]], "required": ["temp"]]
        spec.tools[0].icons = [
            ToolIcon(src: "https://example.com/icon.svg", mimeType: "image/svg+xml", sizes: ["any"], theme: "dark"),
            ToolIcon(src: "data:image/png;base64,\(pngData)", mimeType: "image/png", sizes: ["48x48"]),
        ]
        // when
        let problems = SpecValidator.problems(in: spec)
        let decoded = try JSONDecoder().decode(ServerSpec.self, from: JSONEncoder().encode(spec))
        // then
        #expect(problems == [])
        #expect(decoded == spec)
    }

    @Test func metadataIsReadFromJSONAndAbsentFieldsStayAbsent() throws {
        // given
        let json = #"{"name":"t","title":"T","description":"d","inputSchema":{"type":"object"},"implementation":"return 1;","#
            + #""annotations":{"readOnlyHint":true,"openWorldHint":false},"outputSchema":{"type":"object"},"icons":[{"src":"https://e.com/i.png"}]}"#
        // when
        let tool = try JSONDecoder().decode(ToolSpec.self, from: Data(json.utf8))
        let plain = try JSONDecoder().decode(ToolSpec.self, from: Data(#"{"name":"t"}"#.utf8))
        let encoded = String(decoding: try JSONEncoder().encode(plain), as: UTF8.self)
        // then
        #expect(tool.title == "T")
        #expect(tool.annotations == ToolAnnotations(readOnlyHint: true, openWorldHint: false))
        #expect(tool.outputSchema == ["type": "object"])
        #expect(tool.icons == [ToolIcon(src: "https://e.com/i.png")])
        #expect(!encoded.contains("title") && !encoded.contains("annotations") && !encoded.contains("outputSchema") && !encoded.contains("icons"))
    }

    @Test func openWorldHintIsDerivedFromAllowedDomainsUnlessSet() {
        #expect(ToolAnnotations().published(allowedDomains: ["api.example.com"])["openWorldHint"] == .bool(true))
        #expect(ToolAnnotations().published(allowedDomains: [])["openWorldHint"] == .bool(false))
        #expect(ToolAnnotations(openWorldHint: false).published(allowedDomains: ["api.example.com"])["openWorldHint"] == .bool(false))
        #expect(ToolAnnotations(readOnlyHint: true).published(allowedDomains: []) == ["readOnlyHint": .bool(true), "openWorldHint": .bool(false)])
    }

    @Test(arguments: metadataCases)
    func eachMetadataRuleNamesTheFieldAndTheReason(_ rule: SpecRuleCase) {
        // given
        var spec = validSpec()
        rule.change(&spec)
        // when
        let problems = SpecValidator.problems(in: spec)
        // then
        #expect(problems == [SpecProblem(path: rule.path, message: rule.message)])
    }
}
