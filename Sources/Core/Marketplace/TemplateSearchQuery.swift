/// What someone typed into the template search, reduced to plain words: every run of
/// letters and digits is a term, everything else separates terms. Operators of either
/// engine (`"`, `*`, `-`, `NEAR(`, `:`, `&`, `!`) therefore never reach it as syntax,
/// so no input can make a search fail. The last term matches as a prefix, so results
/// narrow while someone types.
public struct TemplateSearchQuery: Sendable, Equatable {
    /// Lowercased words, at most `maxTerms`, each at most `maxTermLength` characters.
    public let terms: [String]

    public static let maxTerms = 8
    public static let maxTermLength = 40

    public init(_ text: String) {
        var terms: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                terms.append(current)
                current = ""
            }
        }
        if !current.isEmpty { terms.append(current) }
        self.terms = Array(terms.prefix(Self.maxTerms).map { String($0.prefix(Self.maxTermLength)) })
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// A PostgreSQL `to_tsquery` argument: every term required, the last as a prefix
    /// (`'open' & 'weath':*`). Terms hold only letters and digits; quoting is belt and braces.
    public var postgresTSQuery: String {
        terms.enumerated().map { index, term in
            "'\(term)'" + (index == terms.count - 1 ? ":*" : "")
        }.joined(separator: " & ")
    }

    /// An FTS5 `MATCH` argument: each term a quoted string (implicitly ANDed), the last
    /// a prefix (`"open" "weath"*`).
    public var fts5Query: String {
        terms.enumerated().map { index, term in
            "\"\(term)\"" + (index == terms.count - 1 ? "*" : "")
        }.joined(separator: " ")
    }
}
