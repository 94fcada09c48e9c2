import Core
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func roundTripsEveryKindAndKeepsWholeNumbersWhole() throws {
        // given
        let text = #"{"a":[1,2.5,"x",true,null],"b":{"c":-3}}"#
        // when
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let written = String(decoding: try encoder.encode(value), as: UTF8.self)
        // then
        #expect(written == text)
        #expect(value["a"]?.arrayValue?.map(\.typeName) == ["integer", "number", "string", "boolean", "null"])
    }

    @Test func specDecodingTreatsMissingListsAsEmpty() throws {
        let text = #"{"name":"W","slug":"w","description":"d","tools":[{"name":"t","description":"d","inputSchema":{"type":"object"},"implementation":"return 1"}]}"#
        let spec = try JSONDecoder().decode(ServerSpec.self, from: Data(text.utf8))
        #expect(spec.requiredSecrets.isEmpty)
        #expect(spec.allowedDomains.isEmpty)
        #expect(spec.tools.first?.inputSchema == ["type": "object"])
    }
}
