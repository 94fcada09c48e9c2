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

    @Test func stringsAndMemberNamesAreEqualOnlyCodePointForCodePoint() {
        // given: the same text composed and decomposed (Swift's String == calls them equal)
        let composed: JSONValue = ["caf\u{E9}": "\u{E4}"]
        let decomposed: JSONValue = ["cafe\u{301}": "a\u{308}"]
        // then
        #expect(JSONValue.string("caf\u{E9}") != .string("cafe\u{301}"))
        #expect(composed != decomposed)
        #expect(Set([composed, decomposed]).count == 2)
        #expect(composed == ["caf\u{E9}": "\u{E4}"])
        #expect(Set<JSONValue>([["a": 1, "b": [2]], ["b": [2], "a": 1]]).count == 1)  // member order does not matter
        #expect(["cafe\u{301}": 1].exactValue(forKey: "caf\u{E9}") == nil)
        #expect(["caf\u{E9}": 1].exactValue(forKey: "caf\u{E9}") == 1)
    }

    @Test func specDecodingTreatsMissingListsAsEmpty() throws {
        let text = #"{"name":"W","slug":"w","description":"d","tools":[{"name":"t","description":"d","inputSchema":{"type":"object"},"implementation":"return 1"}]}"#
        let spec = try JSONDecoder().decode(ServerSpec.self, from: Data(text.utf8))
        #expect(spec.requiredSecrets.isEmpty)
        #expect(spec.allowedDomains.isEmpty)
        #expect(spec.tools.first?.inputSchema == ["type": "object"])
    }
}
