import Foundation

/// The secret names tool code reads: `ctx.secrets.NAME`, `ctx.secrets?.NAME`,
/// `ctx.secrets["NAME"]` and `const { NAME } = ctx.secrets`. Comments are ignored.
/// Code that passes `ctx.secrets` around under another name is not followed.
enum SecretReferences {
    private static let dotted = CompiledRegex(
        trusted: #"(?<![A-Za-z0-9_$.])ctx\s*\.\s*secrets\s*\??\.\s*([A-Za-z_$][A-Za-z0-9_$]*)"#
    )
    private static let bracketed = CompiledRegex(
        trusted: #"(?<![A-Za-z0-9_$.])ctx\s*\.\s*secrets\s*(?:\?\.)?\s*\[\s*(["'`])([^"'`\\\n]+)\1\s*\]"#
    )
    private static let destructured = CompiledRegex(
        trusted: #"\{([^{}]*)\}\s*=\s*ctx\s*\.\s*secrets(?![A-Za-z0-9_$.\[])"#
    )

    /// Names in order of first use, each once.
    static func names(in implementation: String) -> [String] {
        let text = JavaScriptSource(implementation).withoutComments
        var found: [(offset: Int, name: String)] = []
        for match in dotted.matches(in: text, group: 1) {
            found.append((match.utf16Offset, String(text[match.range])))
        }
        for match in bracketed.matches(in: text, group: 2) {
            found.append((match.utf16Offset, String(text[match.range])))
        }
        for match in destructured.matches(in: text, group: 1) {
            for entry in text[match.range].split(separator: ",") {
                // `NAME`, `NAME: alias` or `NAME = fallback`.
                let name = entry.split(whereSeparator: { $0 == ":" || $0 == "=" }).first?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                if !name.isEmpty, !name.hasPrefix("...") { found.append((match.utf16Offset, name)) }
            }
        }
        var seen = Set<String>()
        return found.sorted { $0.offset < $1.offset }.map(\.name).filter { seen.insert($0).inserted }
    }
}
