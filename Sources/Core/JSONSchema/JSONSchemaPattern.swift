import Foundation

/// `pattern` values are JavaScript regular expressions (that is what MCP clients check
/// arguments with) but are run here with ICU. This type closes the gap: it rejects ICU-only
/// syntax in schemas and translates the constructs whose meaning differs, so a value passes
/// here exactly when it would pass in a JavaScript client.
enum JSONSchemaPattern {
    /// A pattern that would not reach its first match in this time is treated as failing:
    /// a catastrophic pattern must not hold a server thread.
    static let matchBudget: Duration = .milliseconds(100)
    /// All pattern matching in one `validate` or `problems(inSchema:)` call stops after this.
    static let runBudget: Duration = .milliseconds(250)

    /// Compiles a JavaScript-syntax pattern with ICU, after `translate`.
    static func compile(_ source: String) -> CompiledRegex? {
        if let known = compiled.value(for: source) { return known }
        let regex = try? CompiledRegex(translate(source))
        compiled.store(regex, for: source)
        return regex
    }

    /// Compiled patterns for the life of the process: every tool call checks its arguments
    /// against the same few schemas, and compiling is most of a pattern check's cost.
    private static let compiled = CompiledPatterns()

    private final class CompiledPatterns: @unchecked Sendable {
        private let lock = NSLock()
        private var patterns: [String: CompiledRegex?] = [:]
        /// Schemas come from users; a cap keeps odd ones from growing this without bound.
        private let capacity = 2_000

        func value(for source: String) -> CompiledRegex?? {
            lock.withLock { patterns[source] }
        }

        func store(_ regex: CompiledRegex?, for source: String) {
            lock.withLock {
                if patterns.count >= capacity { patterns.removeAll(keepingCapacity: true) }
                patterns[source] = regex
            }
        }
    }

    /// The pattern in ICU's syntax with JavaScript's meaning (ECMA-262 with the `u` flag, as JSON Schema and the
    /// validators clients use read it), read code point by code point:
    /// - `$` is the end of the input (ICU: before a final line break too), `.` excludes only line terminators;
    /// - `\d`, `\w`, `\b` and their negations are ASCII (ICU: Unicode), `\s` is JavaScript's white space (ICU's
    ///   lacks U+FEFF), `\v` a vertical tab (ICU: any vertical space), `\0` NUL and `\u{…}` a code point;
    /// - inside a class every literal is written as a code point, so `[`, `&&` and `--` stay literals (ICU reads
    ///   nested sets, intersections and differences there), `[\b]` is a backspace, `[\D]`, `[\W]`, `[\S]` are
    ///   ranges, and `[]` and `[^]` match nothing and anything.
    /// Escapes JavaScript does not have (`\h`, `\R`, `\X`, `\e`, `\N{…}`…) are kept for `portabilityProblems` to refuse.
    static func translate(_ source: String) -> String {
        let scalars = Array(source.unicodeScalars)
        var output = ""
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                let (text, next) = escape(scalars, index + 1, inClass: false)
                output += text
                index = next
            case "[":
                let (text, next) = characterClass(scalars, index + 1)
                output += text
                index = next
            case "$":
                output += "\\z"
                index += 1
            case ".":
                output += "[^\\n\\r\\x{2028}\\x{2029}]"
                index += 1
            default:
                output.unicodeScalars.append(scalar)
                index += 1
            }
        }
        return output
    }

    private static let word = "A-Za-z0-9_"
    private static let space = "\\t\\n\\x{B}\\f\\r\\x{20}\\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}"
    private static let notDigit = "\\x{0}-\\x{2F}\\x{3A}-\\x{10FFFF}"
    private static let notWord = "\\x{0}-\\x{2F}\\x{3A}-\\x{40}\\x{5B}-\\x{5E}\\x{60}\\x{7B}-\\x{10FFFF}"
    private static let notSpace = "\\x{0}-\\x{8}\\x{E}-\\x{1F}\\x{21}-\\x{9F}\\x{A1}-\\x{167F}\\x{1681}-\\x{1FFF}\\x{200B}-\\x{2027}"
        + "\\x{202A}-\\x{202E}\\x{2030}-\\x{205E}\\x{2060}-\\x{2FFF}\\x{3001}-\\x{FEFE}\\x{FF00}-\\x{10FFFF}"

    /// One escape (`start` is just after the backslash): its ICU text, and where the pattern goes on. Inside a class
    /// a set is written as the ranges it holds, to go between the class's brackets.
    private static func escape(_ scalars: [Unicode.Scalar], _ start: Int, inClass: Bool) -> (String, Int) {
        guard start < scalars.count else { return ("\\\\", start) }
        let letter = scalars[start]
        func code(_ value: UInt32) -> String { "\\x{" + String(value, radix: 16, uppercase: true) + "}" }
        switch letter {
        case "d": return (inClass ? "0-9" : "[0-9]", start + 1)
        case "D": return (inClass ? notDigit : "[^0-9]", start + 1)
        case "w": return (inClass ? word : "[\(word)]", start + 1)
        case "W": return (inClass ? notWord : "[^\(word)]", start + 1)
        case "s": return (inClass ? space : "[\(space)]", start + 1)
        case "S": return (inClass ? notSpace : "[^\(space)]", start + 1)
        case "b" where inClass: return (code(8), start + 1)
        case "b": return ("(?:(?<=[\(word)])(?![\(word)])|(?<![\(word)])(?=[\(word)]))", start + 1)
        case "B": return ("(?:(?<=[\(word)])(?=[\(word)])|(?<![\(word)])(?![\(word)]))", start + 1)
        case "v": return (code(0x0B), start + 1)
        case "0" where start + 1 >= scalars.count || !("0"..."9").contains(scalars[start + 1]):
            return (code(0), start + 1)
        case "u" where start + 1 < scalars.count && scalars[start + 1] == "{":
            if let close = scalars[(start + 2)...].firstIndex(of: "}"),
               let value = UInt32(String(String.UnicodeScalarView(scalars[(start + 2)..<close])), radix: 16) {
                return (code(value), close + 1)
            }
            return ("\\u{", start + 2)  // not a code point: ICU refuses it, and so does JavaScript
        case "u" where start + 4 < scalars.count:
            let hex = String(String.UnicodeScalarView(scalars[(start + 1)...(start + 4)]))
            if let value = UInt32(hex, radix: 16) { return (code(value), start + 5) }
            return ("\\u", start + 1)
        case "x" where start + 2 < scalars.count:
            let hex = String(String.UnicodeScalarView(scalars[(start + 1)...(start + 2)]))
            if let value = UInt32(hex, radix: 16) { return (code(value), start + 3) }
            return ("\\x", start + 1)
        case "p", "P":
            // A property escape stays as written, braces and all: `\p{L}` means the same to ICU.
            if start + 1 < scalars.count, scalars[start + 1] == "{", let close = scalars[(start + 2)...].firstIndex(of: "}") {
                return ("\\" + String(String.UnicodeScalarView(scalars[start...close])), close + 1)
            }
            return ("\\" + String(letter), start + 1)
        default:
            var escaped = "\\"
            escaped.unicodeScalars.append(letter)
            return (escaped, start + 1)
        }
    }

    /// A class (`start` is just after its `[`): its ICU text, and where the pattern goes on after its `]`.
    private static func characterClass(_ scalars: [Unicode.Scalar], _ start: Int) -> (String, Int) {
        var index = start
        let negated = index < scalars.count && scalars[index] == "^"
        if negated { index += 1 }
        if index < scalars.count, scalars[index] == "]" {
            // `[]` matches nothing, `[^]` any code point.
            return (negated ? "[\\x{0}-\\x{10FFFF}]" : "(?!)", index + 1)
        }
        func code(_ scalar: Unicode.Scalar) -> String { "\\x{" + String(scalar.value, radix: 16, uppercase: true) + "}" }
        var body = ""
        // The last item, when it was one code point a `-` may make a range from.
        var lastWasSingle = false
        while index < scalars.count, scalars[index] != "]" {
            let scalar = scalars[index]
            if scalar == "-", lastWasSingle, index + 1 < scalars.count, scalars[index + 1] != "]" {
                // A range's end: one code point (an escape that is not a set) or a literal.
                let end = scalars[index + 1]
                if end == "\\", index + 2 < scalars.count, "dDwWsS".unicodeScalars.contains(scalars[index + 2]) {
                    body += "\\x{2D}"
                    index += 1
                    lastWasSingle = false
                    continue
                }
                body += "-"
                if end == "\\" {
                    let (text, next) = escape(scalars, index + 2, inClass: true)
                    body += text
                    index = next
                } else {
                    body += code(end)
                    index += 2
                }
                lastWasSingle = false
                continue
            }
            if scalar == "\\" {
                let isSet = index + 1 < scalars.count && "dDwWsSpP".unicodeScalars.contains(scalars[index + 1])
                let (text, next) = escape(scalars, index + 1, inClass: true)
                body += text
                index = next
                lastWasSingle = !isSet
            } else {
                body += code(scalar)
                index += 1
                lastWasSingle = true
            }
        }
        // An unclosed class stays unclosed, for ICU to refuse as JavaScript does.
        let closed = index < scalars.count
        return ("[" + (negated ? "^" : "") + body + (closed ? "]" : ""), closed ? index + 1 : index)
    }

    private static func hexDigits(_ characters: [Character], from start: Int, count: Int) -> Bool {
        start + count <= characters.count && characters[start..<(start + count)].allSatisfy(\.isHexDigit)
    }

    /// The letters JavaScript gives a meaning after a backslash (`\k` only before a group name).
    private static let javaScriptEscapes = Set("dDwWsSbBfnrtvcxuPpk")

    /// Syntax ICU accepts but JavaScript rejects or reads differently, as messages for the
    /// `pattern` keyword. Empty when the pattern is portable.
    static func portabilityProblems(in source: String) -> [String] {
        var problems: [String] = []
        let characters = Array(source)
        var index = 0
        var inClass = false
        func note(_ message: String) {
            if !problems.contains(message) { problems.append(message) }
        }
        while index < characters.count {
            let character = characters[index]
            let next = index + 1 < characters.count ? characters[index + 1] : nil
            if character == "\\" {
                switch next {
                case "A", "Z", "z", "G":
                    note("uses \\\(next!), which JavaScript does not support; use ^ and $ for the start and end")
                case "Q", "E":
                    note("uses \\Q…\\E quoting, which JavaScript does not support; escape each character with \\ instead")
                case let letter? where letter.isASCII && letter.isLetter && !Self.javaScriptEscapes.contains(letter):
                    // `\h`, `\R`, `\X`, `\e`, `\N{…}`: ICU gives them a meaning, JavaScript (with the u flag) refuses them.
                    note("uses \\\(letter), which is not a JavaScript escape")
                case "k" where index + 2 >= characters.count || characters[index + 2] != "<":
                    note("uses \\k without a group name, which is not a JavaScript escape")
                case "x" where !Self.hexDigits(characters, from: index + 2, count: 2):
                    note("uses \\x without two hex digits after it (\\x{…} is not JavaScript; write \\u{…})")
                case "u" where !Self.hexDigits(characters, from: index + 2, count: 4) && !(index + 2 < characters.count && characters[index + 2] == "{"):
                    note("uses \\u without four hex digits or {…} after it")
                default: break
                }
                // `\p{L}` and `\u{1F600}` end at their brace: `\p{L}+` is a letter repeated, not a `}+`.
                if next == "p" || next == "P" || next == "u", index + 2 < characters.count, characters[index + 2] == "{",
                   let close = characters[(index + 3)...].firstIndex(of: "}") {
                    index = close + 1
                    continue
                }
                index += 2
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
                index += 1
                continue
            }
            switch character {
            case "[":
                inClass = true
            case "(" where next == "?":
                let third = index + 2 < characters.count ? characters[index + 2] : nil
                let fourth = index + 3 < characters.count ? characters[index + 3] : nil
                let isPortable =
                    third == ":" || third == "=" || third == "!"
                    || (third == "<" && (fourth == "=" || fourth == "!" || fourth.map(\.isLetter) == true))
                if !isPortable {
                    note("uses (?…) syntax such as inline flags, comments or atomic groups, which JavaScript does not support")
                }
            case "*", "+", "?", "}":
                if next == "+" {
                    note("uses a possessive quantifier (like a++), which JavaScript does not support")
                }
            default: break
            }
            index += 1
        }
        return problems
    }
}

/// Compiled patterns and the time left for matching them, for one validation run: the same
/// pattern is usually applied to every element of an array, and compiling is the expensive
/// part. The shared time budget bounds a whole run, however many strings a hostile
/// document makes it check.
final class PatternCache {
    private var compiled: [String: CompiledRegex?] = [:]
    private var remaining: Duration

    init(totalBudget: Duration = JSONSchemaPattern.runBudget) {
        remaining = totalBudget
    }

    func regex(for source: String) -> CompiledRegex? {
        if let known = compiled[source] { return known }
        let regex = JSONSchemaPattern.compile(source)
        compiled[source] = regex
        return regex
    }

    /// Whether `regex` matches `text`; nil when the time ran out first.
    func search(_ regex: CompiledRegex, in text: String) -> Bool? {
        guard remaining > .zero else { return nil }
        let clock = ContinuousClock()
        let started = clock.now
        let result = regex.search(in: text, budget: min(JSONSchemaPattern.matchBudget, remaining))
        remaining -= clock.now - started
        return result
    }
}
