import Core
import Foundation
import Testing

@Suite struct SpecEditTests {
    let draft = ServerSpec(
        name: "Weather", slug: "weather", description: "Forecasts",
        tools: [
            ToolSpec(name: "forecast", description: "Forecast", inputSchema: ["type": "object"], implementation: "return 1"),
            ToolSpec(name: "geocode", description: "Geocode", inputSchema: ["type": "object"], implementation: "return 2"),
        ],
        requiredSecrets: [RequiredSecret(key: "API_KEY", description: "Key")],
        allowedDomains: ["api.open-meteo.com"]
    )

    @Test func mergesByPositionAndKeepsImplementations() throws {
        // given an edit renaming both tools and replacing the secrets
        let edit = SpecEdit(
            name: "My weather",
            tools: [
                .init(name: "get_forecast", description: "Daily forecast", inputSchema: ["type": "object", "required": ["city"]]),
                .init(name: "find_place", description: "Find a place", inputSchema: ["type": "object"]),
            ],
            requiredSecrets: []
        )
        // when
        let merged = try draft.applying(edit)
        // then names, descriptions and schemas change; code and untouched fields stay
        #expect(merged.name == "My weather")
        #expect(merged.slug == "weather")
        #expect(merged.tools.map(\.name) == ["get_forecast", "find_place"])
        #expect(merged.tools.map(\.implementation) == ["return 1", "return 2"])
        #expect(merged.tools[0].inputSchema["required"] == ["city"])
        #expect(merged.requiredSecrets.isEmpty)
        #expect(merged.allowedDomains == ["api.open-meteo.com"])
    }

    @Test func titleAndAnnotationsChangeOnlyWhenTheEditCarriesThem() throws {
        // given a draft whose tools have titles and hints
        var titled = draft
        titled.tools[0].title = "Forecast"
        titled.tools[1].title = "Geocode"
        titled.tools[1].annotations = ToolAnnotations(readOnlyHint: true)
        let edit = try JSONDecoder().decode(SpecEdit.self, from: Data(#"""
            {"tools": [
              {"name": "forecast", "description": "Forecast", "inputSchema": {"type": "object"},
               "title": " ", "annotations": {"readOnlyHint": false, "destructiveHint": true}},
              {"name": "geocode", "description": "Geocode", "inputSchema": {"type": "object"}}
            ]}
            """#.utf8))
        // when
        let merged = try titled.applying(edit)
        // then a blank title removes it; tools the edit gives no title or hints keep theirs
        #expect(merged.tools[0].title == nil)
        #expect(merged.tools[0].annotations == ToolAnnotations(readOnlyHint: false, destructiveHint: true))
        #expect(merged.tools[1].title == "Geocode")
        #expect(merged.tools[1].annotations == ToolAnnotations(readOnlyHint: true))
    }

    @Test func refusesADifferentNumberOfTools() {
        let edit = SpecEdit(tools: [.init(name: "only", description: "d", inputSchema: ["type": "object"])])
        #expect(throws: SpecEditError.toolCountMismatch(expected: 2, got: 1)) { try draft.applying(edit) }
    }
}
