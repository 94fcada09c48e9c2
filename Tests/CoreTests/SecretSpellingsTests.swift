import Core
import Foundation
import Testing

struct SecretSpellingsTests {
    /// What `btoa` makes of some text: standard base64 with `=` padding.
    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    @Test("a secret base64-encoded after any prefix and before any suffix is covered by a spelling, up to a few bits at each edge",
          arguments: ["bobsecretvalue42", "abc/def+ghi?>~jk", "sk-0123456789", "pässwörd-ünïcode"])
    func base64AtEveryOffset(secret: String) {
        let spellings = SecretSpellings.of(secret)
        for prefix in ["", "u", "u:", "us:", "usr:", "Basic user:"] {
            for suffix in ["", ":", "xy", "xyz"] {
                // given the secret's bytes somewhere inside a base64 string
                let encoded = Self.base64(prefix + secret + suffix)
                // when the longest spelling found is cut out
                let found = spellings.filter { encoded.contains($0) }.max { $0.count < $1.count }
                // then one was found, and what is left on each side is the neighbours' characters plus at most the
                // one character that mixes their bits with the secret's (never a whole character of the secret's)
                let run = try! #require(found, "\(prefix)|\(secret)|\(suffix) → \(encoded)")
                let range = encoded.range(of: run)!
                let left = encoded[..<range.lowerBound].count
                let right = encoded[range.upperBound...].filter { $0 != "=" }.count
                #expect(left <= (prefix.utf8.count + 2) / 3 * 4, "\(prefix)|\(suffix): \(left) left")
                #expect(right <= (suffix.utf8.count + 2) / 3 * 4 + 2, "\(prefix)|\(suffix): \(right) right")
                #expect(!encoded.replacingOccurrences(of: run, with: "").contains(Self.base64(secret).prefix(8)))
            }
        }
    }

    @Test("the written, URL-encoded and JSON-escaped spellings; nothing for a value too short to redact safely")
    func otherSpellings() {
        let spellings = SecretSpellings.of("pa\"ss wörd")
        #expect(spellings.contains("pa\"ss wörd"))
        #expect(spellings.contains("pa%22ss%20w%C3%B6rd"))
        #expect(spellings.contains("pa%22ss+w%C3%B6rd"))
        #expect(spellings.contains(#"pa\"ss wörd"#))
        #expect(SecretSpellings.of("abc").isEmpty)
        #expect(SecretSpellings.of("abcd") == ["abcd"])
    }
}
