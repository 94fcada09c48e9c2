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

    /// Compiles a JavaScript-syntax pattern with ICU, after translating:
    /// `$` (end of input in JavaScript, "before a final newline" in ICU) to `\z`, and
    /// `\d`, `\w` and their negations (ASCII in JavaScript, Unicode in ICU) to explicit classes.
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

    static func translate(_ source: String) -> String {
        var output = ""
        var inClass = false
        var characters = source.makeIterator()
        while let character = characters.next() {
            if character == "\\", let escaped = characters.next() {
                switch (escaped, inClass) {
                case ("d", false): output += "[0-9]"
                case ("D", false): output += "[^0-9]"
                case ("w", false): output += "[A-Za-z0-9_]"
                case ("W", false): output += "[^A-Za-z0-9_]"
                case ("d", true): output += "0-9"
                case ("w", true): output += "A-Za-z0-9_"
                default: output += "\\\(escaped)"
                }
                continue
            }
            if inClass {
                if character == "]" { inClass = false }
                output.append(character)
            } else if character == "[" {
                inClass = true
                output.append(character)
            } else if character == "$" {
                output += "\\z"
            } else {
                output.append(character)
            }
        }
        return output
    }

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
