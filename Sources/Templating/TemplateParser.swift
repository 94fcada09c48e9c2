/// Compiles the Leaf template syntax used in `Views/`: `#(value)`,
/// `#unsafeHTML(value)`, `#if(…):`/`#elseif(…):`/`#else:`/`#endif`,
/// `#for(item in list):`/`#endfor` (with `index`, `isFirst` and `isLast` inside),
/// `#extend("layout"):` with `#export("slot"):` blocks, `#extend("partial")`,
/// `#import("slot")`, and `\#` for a literal `#`.
struct TemplateParser {
    private struct Tag {
        let name: String
        let parameters: [UInt8]?
        let opensBody: Bool
        let line: Int
    }

    private enum Token {
        case text([UInt8])
        case tag(Tag)
    }

    let file: String
    private var tokens: [Token] = []
    private var position = 0

    init(file: String) {
        self.file = file
    }

    static func parse(_ source: [UInt8], file: String) throws(TemplateError) -> [TemplateNode] {
        var parser = TemplateParser(file: file)
        parser.tokens = try parser.tokenize(source)
        let (nodes, end) = try parser.block(until: [])
        if let end { throw parser.error(end.line, "unexpected #\(end.name)") }
        return nodes
    }

    // MARK: Tokens

    private static let closingTags: Set<String> = ["else", "endif", "endfor", "endexport", "endextend"]

    private func tokenize(_ bytes: [UInt8]) throws(TemplateError) -> [Token] {
        var tokens: [Token] = []
        var text: [UInt8] = []
        var line = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "#") {
                text.append(UInt8(ascii: "#"))
                index += 2
                continue
            }
            guard byte == UInt8(ascii: "#") else {
                if byte == UInt8(ascii: "\n") { line += 1 }
                text.append(byte)
                index += 1
                continue
            }
            var cursor = index + 1
            while cursor < bytes.count, Self.isIdentifier(bytes[cursor], first: cursor == index + 1) { cursor += 1 }
            let name = String(decoding: bytes[(index + 1)..<cursor], as: UTF8.self)
            var parameters: [UInt8]?
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "(") {
                let close = try matchingParenthesis(bytes, from: cursor, line: line)
                parameters = Array(bytes[(cursor + 1)..<close])
                cursor = close + 1
            } else if !Self.closingTags.contains(name) {
                text.append(byte) // a plain `#`, as in `#fff` or `&#39;`
                index += 1
                continue
            }
            var opensBody = false
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ":") {
                opensBody = true
                cursor += 1
            }
            if !text.isEmpty {
                tokens.append(.text(text))
                text = []
            }
            tokens.append(.tag(Tag(name: name, parameters: parameters, opensBody: opensBody, line: line)))
            for consumed in bytes[index..<cursor] where consumed == UInt8(ascii: "\n") { line += 1 }
            index = cursor
        }
        if !text.isEmpty { tokens.append(.text(text)) }
        return tokens
    }

    private func matchingParenthesis(_ bytes: [UInt8], from open: Int, line: Int) throws(TemplateError) -> Int {
        var depth = 0
        var index = open
        var inString = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 1 } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return index }
            } else if byte == UInt8(ascii: "\n") {
                break
            }
            index += 1
        }
        throw error(line, "unclosed `(` in tag")
    }

    private static func isIdentifier(_ byte: UInt8, first: Bool) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_") || (!first && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }

    // MARK: Blocks

    private mutating func next() -> Token? {
        guard position < tokens.count else { return nil }
        defer { position += 1 }
        return tokens[position]
    }

    private mutating func block(until terminators: Set<String>) throws(TemplateError) -> ([TemplateNode], Tag?) {
        var nodes: [TemplateNode] = []
        while let token = next() {
            let tag: Tag
            switch token {
            case .text(let bytes):
                nodes.append(.text(bytes))
                continue
            case .tag(let value):
                tag = value
            }
            if terminators.contains(tag.name) { return (nodes, tag) }
            switch tag.name {
            case "":
                nodes.append(.print(try expression(tag), escape: true, location(tag)))
            case "unsafeHTML":
                nodes.append(.print(try expression(tag), escape: false, location(tag)))
            case "if":
                nodes.append(try conditional(tag))
            case "for":
                nodes.append(try loop(tag))
            case "extend":
                nodes.append(try extend(tag))
            case "import":
                nodes.append(.slot(try stringParameter(tag)))
            default:
                throw error(tag.line, "unknown or misplaced tag #\(tag.name)")
            }
        }
        // Out of tokens: the caller names the block that was left open.
        return (nodes, nil)
    }

    private mutating func conditional(_ open: Tag) throws(TemplateError) -> TemplateNode {
        guard open.opensBody else { throw error(open.line, "#if needs a `:` after its condition") }
        var branches: [TemplateNode.Branch] = []
        var condition = try expression(open)
        var conditionTag = open
        while true {
            let (body, end) = try block(until: ["elseif", "else", "endif"])
            branches.append(TemplateNode.Branch(condition: condition, location: location(conditionTag), body: body))
            guard let end else { throw error(open.line, "#if opened here is never closed with #endif") }
            switch end.name {
            case "elseif":
                condition = try expression(end)
                conditionTag = end
            case "else":
                let (otherwise, close) = try block(until: ["endif"])
                guard close != nil else { throw error(open.line, "#if opened here is never closed with #endif") }
                return .conditional(branches: branches, otherwise: otherwise)
            default:
                return .conditional(branches: branches, otherwise: [])
            }
        }
    }

    private mutating func loop(_ open: Tag) throws(TemplateError) -> TemplateNode {
        guard open.opensBody else { throw error(open.line, "#for needs a `:`") }
        let words = String(decoding: open.parameters ?? [], as: UTF8.self).split(separator: " ", omittingEmptySubsequences: true)
        guard words.count == 3, words[1] == "in" else { throw error(open.line, "#for expects `item in list`") }
        var lexer = ExpressionParser(String(words[2]), file: file, line: open.line)
        let collection = try lexer.parse()
        let (body, end) = try block(until: ["endfor"])
        guard end != nil else { throw error(open.line, "#for opened here is never closed with #endfor") }
        return .loop(variable: String(words[0]), collection: collection, body: body, location(open))
    }

    private mutating func extend(_ open: Tag) throws(TemplateError) -> TemplateNode {
        let name = try stringParameter(open)
        guard open.opensBody else { return .extend(name: name, exports: [:], line: open.line) }
        var exports: [String: [TemplateNode]] = [:]
        while let token = next() {
            guard case .tag(let tag) = token else { continue } // text between exports is not output
            switch tag.name {
            case "endextend":
                return .extend(name: name, exports: exports, line: open.line)
            case "export":
                let slot = try stringParameter(tag)
                let (body, end) = try block(until: ["endexport"])
                guard end != nil else { throw error(tag.line, "#export opened here is never closed with #endexport") }
                exports[slot] = body
            default:
                throw error(tag.line, "only #export blocks may stand inside #extend")
            }
        }
        throw error(open.line, "#extend opened here is never closed with #endextend")
    }

    private func expression(_ tag: Tag) throws(TemplateError) -> TemplateExpression {
        var parser = ExpressionParser(String(decoding: tag.parameters ?? [], as: UTF8.self), file: file, line: tag.line)
        return try parser.parse()
    }

    private func stringParameter(_ tag: Tag) throws(TemplateError) -> String {
        guard case .string(let value) = try expression(tag) else {
            throw error(tag.line, "#\(tag.name) takes a quoted name")
        }
        return value
    }

    private func location(_ tag: Tag) -> SourceLocation {
        SourceLocation(file: file, line: tag.line)
    }

    private func error(_ line: Int, _ message: String) -> TemplateError {
        TemplateError(file: file, line: line, message: message)
    }
}
