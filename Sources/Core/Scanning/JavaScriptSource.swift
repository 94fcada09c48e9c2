/// Views of JavaScript source for pattern-based scanning. A small lexer blanks out parts
/// with spaces (keeping every newline, so line numbers stay right) so that, for example,
/// the word "process." inside an error message is not mistaken for Node's `process`.
///
/// It is a heuristic, not a parser: the scanner is a first line of defence and the
/// sandbox, which lacks these capabilities anyway, is the second.
struct JavaScriptSource {
    /// Comments blanked; string, template and regular-expression literals kept.
    let withoutComments: String
    /// Comments and the contents of literals blanked (their delimiters stay), so only code
    /// remains. Code inside `${…}` of template literals is kept.
    let codeOnly: String

    init(_ text: String) {
        var lexer = Lexer(Array(text.unicodeScalars))
        lexer.run()
        withoutComments = String(String.UnicodeScalarView(lexer.withoutComments))
        codeOnly = String(String.UnicodeScalarView(lexer.codeOnly))
    }
}

private struct Lexer {
    let source: [Unicode.Scalar]
    var withoutComments: [Unicode.Scalar]
    var codeOnly: [Unicode.Scalar]
    private var index = 0
    /// One entry per open `${`: how many `{` are open inside that expression.
    private var templateDepths: [Int] = []
    private var previous: Unicode.Scalar?
    private var previousWord = ""
    private var whitespaceSincePrevious = false

    init(_ source: [Unicode.Scalar]) {
        self.source = source
        withoutComments = source
        codeOnly = source
    }

    private func at(_ offset: Int) -> Unicode.Scalar? {
        index + offset < source.count ? source[index + offset] : nil
    }

    private mutating func blank(_ position: Int, comment: Bool) {
        guard source[position] != "\n" else { return }
        codeOnly[position] = " "
        if comment { withoutComments[position] = " " }
    }

    mutating func run() {
        while index < source.count {
            let scalar = source[index]
            switch scalar {
            case "/" where at(1) == "/":
                while index < source.count, source[index] != "\n" {
                    blank(index, comment: true)
                    index += 1
                }
            case "/" where at(1) == "*":
                blank(index, comment: true)
                blank(index + 1, comment: true)
                index += 2
                while index < source.count, !(source[index] == "*" && at(1) == "/") {
                    blank(index, comment: true)
                    index += 1
                }
                if index < source.count {
                    blank(index, comment: true)
                    blank(index + 1, comment: true)
                    index += 2
                }
            case "\"", "'":
                skipString(quote: scalar)
                noteOperand()
            case "`":
                index += 1
                skipTemplateText()
            case "/" where regexMayStartHere:
                skipRegex()
                noteOperand()
            case "}" where templateDepths.last == 0:
                templateDepths.removeLast()
                index += 1
                skipTemplateText()
            default:
                if scalar == "{", !templateDepths.isEmpty { templateDepths[templateDepths.count - 1] += 1 }
                if scalar == "}", !templateDepths.isEmpty { templateDepths[templateDepths.count - 1] -= 1 }
                note(scalar)
                index += 1
            }
        }
    }

    private mutating func skipString(quote: Unicode.Scalar) {
        index += 1
        while index < source.count, source[index] != quote, source[index] != "\n" {
            if source[index] == "\\", index + 1 < source.count {
                blank(index, comment: false)
                index += 1
            }
            blank(index, comment: false)
            index += 1
        }
        if index < source.count, source[index] == quote { index += 1 }
    }

    /// From just after a backtick or a closing `}` to the closing backtick or the next `${`.
    private mutating func skipTemplateText() {
        while index < source.count {
            let scalar = source[index]
            if scalar == "`" {
                index += 1
                noteOperand()
                return
            }
            if scalar == "$", at(1) == "{" {
                index += 2
                templateDepths.append(0)
                previous = "{"
                previousWord = ""
                return
            }
            if scalar == "\\", index + 1 < source.count {
                blank(index, comment: false)
                index += 1
            }
            blank(index, comment: false)
            index += 1
        }
    }

    private mutating func skipRegex() {
        var position = index + 1
        var inClass = false
        while position < source.count, source[position] != "\n" {
            let scalar = source[position]
            if scalar == "\\" {
                position += 2
                continue
            }
            if scalar == "[" { inClass = true }
            if scalar == "]" { inClass = false }
            if scalar == "/", !inClass { break }
            position += 1
        }
        guard position < source.count, source[position] == "/" else {
            // Not a regular expression after all (or an unterminated one): treat as division.
            note("/")
            index += 1
            return
        }
        for inner in (index + 1)..<position { blank(inner, comment: false) }
        index = position + 1
        while index < source.count, source[index].properties.isAlphabetic { index += 1 }
    }

    /// Whether a `/` here starts a regular expression rather than a division: after an
    /// operand (a name, a number, `)` or `]`) it divides, after anything else it starts one.
    private var regexMayStartHere: Bool {
        guard let previous else { return true }
        if previous == ")" || previous == "]" || previous == "}" || previous == "\"" { return false }
        if isWordScalar(previous) { return Self.keywordsBeforeExpression.contains(previousWord) }
        return true
    }

    private static let keywordsBeforeExpression: Set<String> = [
        "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
        "yield", "await",
    ]

    private mutating func note(_ scalar: Unicode.Scalar) {
        guard !scalar.properties.isWhitespace else {
            whitespaceSincePrevious = true
            return
        }
        if isWordScalar(scalar) {
            let continuesWord = !whitespaceSincePrevious && previous.map(isWordScalar) == true
            previousWord = continuesWord ? previousWord + String(scalar) : String(scalar)
        } else {
            previousWord = ""
        }
        previous = scalar
        whitespaceSincePrevious = false
    }

    /// A literal just ended: what follows it is an operator, as after a name.
    private mutating func noteOperand() {
        previous = "\""
        previousWord = ""
        whitespaceSincePrevious = false
    }

    private func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "$"
    }
}
