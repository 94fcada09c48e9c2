/// Parses the expressions inside tags: paths (`page.plan.name`), string and
/// integer literals, `true`/`false`, `!`, comparisons, `&&`, `||`, parentheses and
/// the functions `count(…)`, `lowercased(…)`, `uppercased(…)`.
struct ExpressionParser {
    private enum Token: Equatable {
        case identifier(String)
        case string(String)
        case integer(Int)
        case symbol(String)
    }

    private var tokens: [Token] = []
    private var position = 0
    private let file: String
    private let line: Int
    private let source: String

    init(_ source: String, file: String, line: Int) {
        self.source = source
        self.file = file
        self.line = line
    }

    mutating func parse() throws(TemplateError) -> TemplateExpression {
        tokens = try tokenize()
        guard !tokens.isEmpty else { throw error("empty expression") }
        let expression = try parseOr()
        guard position == tokens.count else { throw error("unexpected text in `\(source)`") }
        return expression
    }

    private func tokenize() throws(TemplateError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(source.unicodeScalars)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == " " || character == "\t" { index += 1; continue }
            if character == "\"" {
                var value = ""
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    value.unicodeScalars.append(characters[index])
                    index += 1
                }
                guard index < characters.count else { throw error("unclosed string in `\(source)`") }
                index += 1
                tokens.append(.string(value))
            } else if character.properties.isAlphabetic || character == "_" {
                var name = ""
                while index < characters.count, characters[index].properties.isAlphabetic || characters[index] == "_"
                    || characters[index] == "." || ("0"..."9").contains(characters[index]) {
                    name.unicodeScalars.append(characters[index])
                    index += 1
                }
                tokens.append(.identifier(name))
            } else if ("0"..."9").contains(character) {
                var digits = ""
                while index < characters.count, ("0"..."9").contains(characters[index]) {
                    digits.unicodeScalars.append(characters[index])
                    index += 1
                }
                tokens.append(.integer(Int(digits)!))
            } else {
                let pair = index + 1 < characters.count ? String(character) + String(characters[index + 1]) : ""
                if ["==", "!=", ">=", "<=", "&&", "||"].contains(pair) {
                    tokens.append(.symbol(pair))
                    index += 2
                } else if "!<>(),".unicodeScalars.contains(character) {
                    tokens.append(.symbol(String(character)))
                    index += 1
                } else {
                    throw error("unexpected `\(character)` in `\(source)`")
                }
            }
        }
        return tokens
    }

    private mutating func accept(_ symbol: String) -> Bool {
        guard position < tokens.count, tokens[position] == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    private mutating func parseOr() throws(TemplateError) -> TemplateExpression {
        var left = try parseAnd()
        while accept("||") { left = .binary(.or, left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(TemplateError) -> TemplateExpression {
        var left = try parseComparison()
        while accept("&&") { left = .binary(.and, left, try parseComparison()) }
        return left
    }

    private mutating func parseComparison() throws(TemplateError) -> TemplateExpression {
        let left = try parseUnary()
        for symbol in ["==", "!=", ">=", "<=", ">", "<"] where accept(symbol) {
            return .binary(TemplateExpression.Operator(rawValue: symbol)!, left, try parseUnary())
        }
        return left
    }

    private mutating func parseUnary() throws(TemplateError) -> TemplateExpression {
        if accept("!") { return .not(try parseUnary()) }
        if accept("(") {
            let inner = try parseOr()
            guard accept(")") else { throw error("missing `)` in `\(source)`") }
            return inner
        }
        guard position < tokens.count else { throw error("expression ends too early: `\(source)`") }
        let token = tokens[position]
        position += 1
        switch token {
        case .string(let value): return .string(value)
        case .integer(let value): return .integer(value)
        case .identifier("true"): return .boolean(true)
        case .identifier("false"): return .boolean(false)
        case .identifier(let name):
            if accept("(") {
                guard ["count", "lowercased", "uppercased"].contains(name) else { throw error("unknown function `\(name)`") }
                let argument = try parseOr()
                guard accept(")") else { throw error("missing `)` after \(name)(") }
                return .call(name, argument)
            }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !parts.contains(where: \.isEmpty) else { throw error("malformed path `\(name)`") }
            return .path(parts)
        case .symbol(let symbol):
            throw error("unexpected `\(symbol)` in `\(source)`")
        }
    }

    private func error(_ message: String) -> TemplateError {
        TemplateError(file: file, line: line, message: message)
    }
}
