import Core
import Testing

@Suite("Display and workspace names: one line, no control or bidirectional characters, 1 to 80 characters")
struct DisplayNameTests {
    @Test("ordinary names, accents, other scripts and emoji sequences (with joiners) pass, trimmed")
    func accepted() {
        #expect(DisplayName.normalized("  Ada Lovelace ") == "Ada Lovelace")
        #expect(DisplayName.normalized("Zoë Ångström") == "Zoë Ångström")
        #expect(DisplayName.normalized("محمد") == "محمد")
        #expect(DisplayName.normalized("می‌خواهم") == "می‌خواهم", "a zero-width non-joiner is part of Persian spelling")
        #expect(DisplayName.normalized("Team 👩‍💻") == "Team 👩‍💻")
        #expect(DisplayName.normalized(String(repeating: "a", count: 80)) != nil)
    }

    @Test("line breaks, controls and bidi overrides are refused, as are empty and over-long names")
    func refused() {
        for name in ["Team\r\nBcc: someone@example.com", "Team\nX", "Tab\there", "Bell\u{7}", "Acme\u{2028}Corp", "Acme\u{2029}Corp",
                     "Acme Security Team\u{202E}", "\u{2067}Acme", "Acme\u{200F}", "Acme\u{061C}", "", "   ",
                     String(repeating: "a", count: 81),
                     // marks stacked on few letters, and names that show nothing
                     String(repeating: "a" + String(repeating: "\u{0301}", count: 300), count: 3), "\u{3164}", "\u{FEFF}\u{200B}", "\u{2800}"] {
            #expect(DisplayName.normalized(name) == nil, "\(name.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }
}
