/// A credential found in text. It never carries the credential: only the format's prefix.
public struct SecretFinding: Sendable, Hashable, Encodable {
    public var patternID: String
    public var label: String
    /// The format's public prefix and an ellipsis, such as `sk-ant-…`.
    public var redacted: String
    /// 1-based.
    public var line: Int
    /// Where the credential is in the scanned text, without any boundary character, so
    /// callers can mask it in place.
    public var range: Range<String.Index>

    private enum CodingKeys: String, CodingKey {
        case patternID, label, redacted, line
    }
}

extension SecretFinding {
    /// "an Anthropic API key (sk-ant-…)": what was found, for messages.
    var phrase: String {
        let article = "AEIOaeio".contains(label.first ?? "x") ? "an" : "a"
        return "\(article) \(label) (\(redacted))"
    }
}

public enum SecretScanner {
    /// Credentials in `text` that match `SecretPatterns.all`, in order of appearance. Where
    /// two formats match the same characters, the first pattern in the list wins.
    public static func findings(in text: String) -> [SecretFinding] {
        let lines = LineIndex(text)
        var findings: [SecretFinding] = []
        for (pattern, regex) in SecretPatterns.compiled {
            for match in regex.matches(in: text, group: 1)
            where !findings.contains(where: { $0.range.overlaps(match.range) }) {
                let secret = text[match.range]
                let prefix = pattern.visiblePrefixes.first { secret.hasPrefix($0) } ?? ""
                findings.append(
                    SecretFinding(
                        patternID: pattern.id, label: pattern.label, redacted: "\(prefix)…",
                        line: lines.line(atUTF16Offset: match.utf16Offset), range: match.range
                    )
                )
            }
        }
        return findings.sorted { $0.range.lowerBound < $1.range.lowerBound }
    }
}
