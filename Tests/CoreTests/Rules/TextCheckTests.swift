import Core
import Testing

@Suite("Rules every text shares: code points per character, control characters, something to see")
struct TextCheckTests {
    @Test("a limit counts characters, and caps the code points in them at four each")
    func fits() {
        #expect(TextCheck.fits("Zoë 👩‍💻", limit: 5))
        #expect(!TextCheck.fits("abcdef", limit: 5))
        #expect(TextCheck.fits("e" + String(repeating: "\u{0301}", count: 3), limit: 1))
        #expect(!TextCheck.fits("e" + String(repeating: "\u{0301}", count: 4), limit: 1), "five code points in one character")
    }

    @Test("line breaks and tabs only where text has lines; NUL and other controls nowhere")
    func controls() {
        #expect(TextCheck.controlCharacter(in: "one\ntwo\tthree\r\n", multiline: true) == nil)
        #expect(TextCheck.controlCharacter(in: "one\ntwo", multiline: false) == "\n")
        #expect(TextCheck.controlCharacter(in: "one\u{2028}two", multiline: false) == "\u{2028}")
        #expect(TextCheck.controlCharacter(in: "one\u{2028}two", multiline: true) == nil)
        #expect(TextCheck.controlCharacter(in: "nul\u{0}", multiline: true) == "\u{0}")
        #expect(TextCheck.controlCharacter(in: "esc\u{1B}[31m", multiline: true) == "\u{1B}")
        #expect(TextCheck.controlCharacter(in: "c1\u{85}", multiline: false) == "\u{85}")
        #expect(TextCheck.controlMessage("\u{0}") == "holds a control character (U+0000), which cannot be stored or shown; remove it")
        #expect(TextCheck.controlMessage("\n") == "holds a line break; it is one line")
    }

    @Test("text shows something unless it is only spaces, format characters, marks or fillers")
    func visible() {
        for text in ["a", "日本", "👍", "·", " x "] { #expect(TextCheck.isVisible(text), "\(text)") }
        for text in ["", "   ", "\u{200B}\u{FEFF}", "\u{3164}\u{3164}", "\u{0301}", "\u{2800}", "\u{00A0}"] {
            #expect(!TextCheck.isVisible(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
