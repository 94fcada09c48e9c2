/// Phrases that address the model rather than describe a tool: the classic openings of a
/// prompt-injection attack. Matched case-insensitively with any whitespace between words.
/// Kept to phrases with no innocent reading, so descriptions are not refused by accident.
enum PromptInjection {
    static let markers: [CompiledRegex] = [
        #"you\s+are\s+now\s+in\s+developer\s+mode"#,
        #"developer\s+mode\s+(?:is\s+)?(?:now\s+)?enabled"#,
        #"ignore\s+(?:all\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)\s+(?:instructions|prompts?|directions|rules)"#,
        #"disregard\s+(?:all\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|above|earlier|preceding)\s+(?:instructions|prompts?|directions|rules)"#,
        #"forget\s+(?:all\s+)?(?:of\s+)?(?:the\s+|your\s+)?(?:previous|prior|earlier)\s+instructions"#,
        #"(?:reveal|print|show|repeat|output|leak)\s+(?:me\s+)?(?:your|the)\s+(?:full\s+|hidden\s+|original\s+)?system\s+prompt"#,
        #"\bDAN\s+mode\b"#,
        #"\byou\s+are\s+(?:now\s+)?DAN\b"#,
        #"new\s+system\s+prompt\s*:"#,
        #"<\|im_start\|>\s*system"#,
    ].map { CompiledRegex(trusted: $0, caseInsensitive: true) }

    struct Hit {
        let phrase: String
        let utf16Offset: Int
    }

    /// Every marker found in `text`, first occurrence per marker.
    static func hits(in text: String) -> [Hit] {
        markers.compactMap { marker in
            marker.firstMatch(in: text).map { match in
                let phrase = text[match.range].split(whereSeparator: \.isWhitespace).joined(separator: " ")
                return Hit(phrase: phrase.count > 60 ? "\(phrase.prefix(59))…" : phrase, utf16Offset: match.utf16Offset)
            }
        }
        .sorted { $0.utf16Offset < $1.utf16Offset }
    }
}
