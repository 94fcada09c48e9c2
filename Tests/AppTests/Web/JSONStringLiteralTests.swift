import Foundation
import Testing
@testable import App

@Suite("JSON strings written by hand (JSON-LD, JSON log lines)")
struct JSONStringLiteralTests {
    static func literal(_ text: String) -> String {
        var out = ""
        JSONStringLiteral.append(text, to: &out)
        return out
    }

    @Test("any text reads back unchanged through a JSON parser", arguments: [
        "plain", "quote \" and backslash \\", "lines\nand\ttabs\r", "\u{0}\u{1}\u{1F}\u{7F}\u{85}\u{9F}", "é ü 日本 🎉",
        "\u{2028}\u{2029}", "</script><!-- & -->",
    ])
    func roundTrip(_ text: String) throws {
        let data = Data(("[" + Self.literal(text) + "]").utf8)
        let parsed = try #require(try JSONSerialization.jsonObject(with: data) as? [String])
        #expect(parsed == [text])
    }

    @Test("nothing that ends a script block, a JavaScript line or moves a terminal stays raw")
    func escapes() {
        let written = Self.literal("</script><!--&\u{2028}\u{2029}\u{1B}[2J\u{9B}")
        #expect(!written.contains("<") && !written.contains(">") && !written.contains("&"))
        #expect(written.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) && $0.value != 0x2028 && $0.value != 0x2029 })
        #expect(written == #""\u003c/script\u003e\u003c!--\u0026\u2028\u2029\u001b[2J\u009b""#)
    }
}
