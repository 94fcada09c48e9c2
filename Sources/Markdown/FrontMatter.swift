/// YAML-style front matter: a block between `---` lines at the very top of a file,
/// holding flat `key: value` pairs. Only the subset content files need is accepted
/// (strings, quoted strings, integers, booleans and inline `[a, b]` lists), and
/// anything else is an error naming the line — a typo must never pass silently.
public enum FrontMatterValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case list([String])
}

public struct FrontMatter: Equatable, Sendable {
    public var fields: [String: FrontMatterValue]
    /// 1-based line of each key, so later checks ("title is required") can point at it.
    public var lines: [String: Int]

    public init(fields: [String: FrontMatterValue] = [:], lines: [String: Int] = [:]) {
        self.fields = fields
        self.lines = lines
    }

    public func string(_ key: String) -> String? {
        switch fields[key] {
        case .string(let value): value
        case .integer(let value): String(value)
        case .boolean(let value): String(value)
        case .list, nil: nil
        }
    }

    public func integer(_ key: String) -> Int? {
        if case .integer(let value) = fields[key] { return value }
        return nil
    }

    public func list(_ key: String) -> [String]? {
        switch fields[key] {
        case .list(let values): values
        case .string(let value): [value]
        default: nil
        }
    }
}

public struct FrontMatterError: Error, Equatable, CustomStringConvertible, Sendable {
    /// 1-based line number in the file.
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}

/// A file split into its front matter and Markdown body.
public struct SourceFile: Sendable {
    public var frontMatter: FrontMatter
    public var body: Substring
    /// 1-based line where the body starts.
    public var bodyLine: Int

    /// Splits `source`. A file without a leading `---` line has empty front matter.
    public static func parse(_ source: String) throws(FrontMatterError) -> SourceFile {
        // Walks only the front matter, line by line on UTF-8 (the body is never
        // split): loading thousands of pages at start-up must stay cheap.
        var lines = LineCursor(source)
        guard let first = lines.next(), first == "---" else {
            return SourceFile(frontMatter: FrontMatter(), body: source[...], bodyLine: 1)
        }
        var matter = FrontMatter()
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            if line == "---" || line == "..." {
                return SourceFile(frontMatter: matter, body: source[lines.position...], bodyLine: lineNumber + 1)
            }
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let (key, value) = try parseLine(line, lineNumber: lineNumber)
            if matter.fields[key] != nil {
                throw FrontMatterError(line: lineNumber, message: "duplicate key `\(key)`")
            }
            matter.fields[key] = value
            matter.lines[key] = lineNumber
        }
        throw FrontMatterError(line: 1, message: "front matter opened with `---` is never closed")
    }

    private static func parseLine(_ line: Substring, lineNumber: Int) throws(FrontMatterError) -> (String, FrontMatterValue) {
        guard let colon = line.firstIndex(of: ":") else {
            throw FrontMatterError(line: lineNumber, message: "expected `key: value`, found `\(line.trimmingSpaces)`")
        }
        let key = line[..<colon].trimmingSpaces
        guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
              line.first?.isWhitespace == false
        else {
            throw FrontMatterError(line: lineNumber, message: "invalid key `\(key)` (use letters, digits, `_` or `-`, not indented)")
        }
        let rawValue = line[line.index(after: colon)...].trimmingSpaces
        return (String(key), try parseValue(rawValue, lineNumber: lineNumber))
    }

    private static func parseValue(_ raw: Substring, lineNumber: Int) throws(FrontMatterError) -> FrontMatterValue {
        if raw.isEmpty { return .string("") }
        if raw.first == "\"" || raw.first == "'" {
            return .string(try unquote(raw, lineNumber: lineNumber))
        }
        if raw.first == "[" {
            guard raw.last == "]" else {
                throw FrontMatterError(line: lineNumber, message: "list opened with `[` is not closed with `]`")
            }
            let inner = raw.dropFirst().dropLast().trimmingSpaces
            if inner.isEmpty { return .list([]) }
            var items: [String] = []
            for part in splitList(inner) {
                let item = part.trimmingSpaces
                if item.isEmpty {
                    throw FrontMatterError(line: lineNumber, message: "empty item in list")
                }
                items.append(item.first == "\"" || item.first == "'" ? try unquote(item, lineNumber: lineNumber) : String(item))
            }
            return .list(items)
        }
        if raw == "true" { return .boolean(true) }
        if raw == "false" { return .boolean(false) }
        if let number = Int(raw) { return .integer(number) }
        if raw.hasPrefix("{") || raw.hasPrefix("|") || raw.hasPrefix(">") || raw.hasPrefix("&") || raw.hasPrefix("*") {
            throw FrontMatterError(line: lineNumber, message: "unsupported value `\(raw)`: use a plain or quoted string")
        }
        return .string(String(raw))
    }

    /// Splits on commas outside quotes.
    private static func splitList(_ text: Substring) -> [Substring] {
        var parts: [Substring] = []
        var quote: Character?
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == "\\" && open == "\"" { index = text.index(after: index) }
                else if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "," {
                parts.append(text[start..<index])
                start = text.index(after: index)
            }
            if index < text.endIndex { index = text.index(after: index) }
        }
        parts.append(text[start...])
        return parts
    }

    private static func unquote(_ raw: Substring, lineNumber: Int) throws(FrontMatterError) -> String {
        let quote = raw.first!
        guard raw.count >= 2, raw.last == quote else {
            throw FrontMatterError(line: lineNumber, message: "string opened with \(quote) is not closed")
        }
        let inner = raw.dropFirst().dropLast()
        if quote == "'" {
            // YAML single quotes escape a quote by doubling it.
            return inner.replacingOccurrences(of: "''", with: "'")
        }
        var result = ""
        var iterator = inner.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else {
                if character == "\"" {
                    throw FrontMatterError(line: lineNumber, message: "unescaped `\"` inside a double-quoted string")
                }
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "\"": result.append("\"")
            case "\\": result.append("\\")
            case "n": result.append("\n")
            case "t": result.append("\t")
            case "/": result.append("/")
            case let other?:
                throw FrontMatterError(line: lineNumber, message: "unknown escape `\\\(other)` in string")
            case nil:
                throw FrontMatterError(line: lineNumber, message: "string ends with a lone backslash")
            }
        }
        return result
    }
}

/// Yields the lines of a string (without `\n` or `\r\n`), finding line ends on UTF-8.
public struct LineCursor {
    private let source: String
    /// Where the next line starts.
    public private(set) var position: String.Index

    public init(_ source: String) {
        self.source = source
        self.position = source.startIndex
    }

    public mutating func next() -> Substring? {
        guard position < source.endIndex else { return nil }
        let utf8 = source.utf8
        let end = utf8[position...].firstIndex(of: UInt8(ascii: "\n")) ?? utf8.endIndex
        var line = source[position..<end]
        if line.utf8.last == UInt8(ascii: "\r") { line = source[position..<utf8.index(before: end)] }
        position = end < utf8.endIndex ? utf8.index(after: end) : end
        return line
    }
}

extension Substring {
    var trimmingTrailingCR: Substring { last == "\r" ? dropLast() : self }

    var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first.isWhitespace { result = result.dropFirst() }
        while let last = result.last, last.isWhitespace { result = result.dropLast() }
        return result
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        String(self).split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
