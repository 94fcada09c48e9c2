import Foundation

/// Every template of a folder, compiled and linked once (layouts and partials
/// resolved), then rendered many times from any thread.
///
/// The templates keep Leaf's syntax, but rendering walks a tree compiled at
/// start-up instead of interpreting each template per request: LeafKit spent
/// about 0.8 ms of CPU a docs page, half the time of a full static export.
public struct TemplateLibrary: Sendable {
    private let templates: [String: [TemplateNode]]

    /// Loads every `*.leaf` file in `directory`; a template's name is its file name
    /// without the extension. Any syntax error or unknown template stops loading.
    public init(directory: String) throws {
        let fileManager = FileManager.default
        var parsed: [String: [TemplateNode]] = [:]
        var lines: [String: String] = [:]
        for file in try fileManager.contentsOfDirectory(atPath: directory).sorted() where file.hasSuffix(".leaf") {
            let path = directory + "/" + file
            guard let data = fileManager.contents(atPath: path) else {
                throw TemplateError(file: path, line: 0, message: "cannot read template")
            }
            let name = String(file.dropLast(".leaf".count))
            parsed[name] = try TemplateParser.parse(Array(data), file: path)
            lines[name] = path
        }
        try self.init(parsed: parsed, files: lines)
    }

    /// Templates from strings (name -> source), for tests.
    public init(sources: [String: String]) throws {
        var parsed: [String: [TemplateNode]] = [:]
        for (name, source) in sources {
            parsed[name] = try TemplateParser.parse(Array(source.utf8), file: name)
        }
        try self.init(parsed: parsed, files: Dictionary(uniqueKeysWithValues: sources.keys.map { ($0, $0) }))
    }

    private init(parsed: [String: [TemplateNode]], files: [String: String]) throws {
        var linked: [String: [TemplateNode]] = [:]
        for (name, nodes) in parsed {
            linked[name] = Self.coalesce(try Self.link(nodes, in: parsed, file: files[name] ?? name, depth: 0))
        }
        templates = linked
    }

    public var names: [String] { templates.keys.sorted() }

    /// Renders `name` with `context` (any `Encodable`) as UTF-8 bytes.
    public func render<Context: Encodable>(_ name: String, _ context: Context) throws -> [UInt8] {
        guard let nodes = templates[name] else {
            throw TemplateError(file: name, line: 0, message: "no template named `\(name)`")
        }
        var renderer = Renderer(root: try TemplateEncoder.encode(context))
        renderer.output.reserveCapacity(32 * 1024)
        renderer.render(nodes)
        return renderer.output
    }

    // MARK: Linking

    /// Replaces every `#extend` with the template it names, filling its slots.
    private static func link(_ nodes: [TemplateNode], in parsed: [String: [TemplateNode]], file: String, depth: Int) throws -> [TemplateNode] {
        guard depth < 16 else { throw TemplateError(file: file, line: 0, message: "#extend nests too deeply (a template extends itself?)") }
        var result: [TemplateNode] = []
        for node in nodes {
            switch node {
            case .extend(let name, let exports, let line):
                guard let target = parsed[name] else {
                    throw TemplateError(file: file, line: line, message: "#extend names an unknown template `\(name)`")
                }
                var filled: [String: [TemplateNode]] = [:]
                for (slot, body) in exports {
                    filled[slot] = try link(body, in: parsed, file: file, depth: depth + 1)
                }
                let base = try link(target, in: parsed, file: file, depth: depth + 1)
                result += fill(base, with: filled)
            case .conditional(let branches, let otherwise):
                var linkedBranches: [(TemplateExpression, [TemplateNode])] = []
                for (condition, body) in branches {
                    linkedBranches.append((condition, try link(body, in: parsed, file: file, depth: depth)))
                }
                result.append(.conditional(branches: linkedBranches, otherwise: try link(otherwise, in: parsed, file: file, depth: depth)))
            case .loop(let variable, let collection, let body):
                result.append(.loop(variable: variable, collection: collection, body: try link(body, in: parsed, file: file, depth: depth)))
            default:
                result.append(node)
            }
        }
        return result
    }

    private static func fill(_ nodes: [TemplateNode], with exports: [String: [TemplateNode]]) -> [TemplateNode] {
        nodes.flatMap { node -> [TemplateNode] in
            switch node {
            case .slot(let name):
                return exports[name] ?? []
            case .conditional(let branches, let otherwise):
                return [.conditional(branches: branches.map { ($0.0, fill($0.1, with: exports)) }, otherwise: fill(otherwise, with: exports))]
            case .loop(let variable, let collection, let body):
                return [.loop(variable: variable, collection: collection, body: fill(body, with: exports))]
            default:
                return [node]
            }
        }
    }

    /// Merges neighbouring text nodes so rendering appends fewer, larger runs.
    private static func coalesce(_ nodes: [TemplateNode]) -> [TemplateNode] {
        var result: [TemplateNode] = []
        for node in nodes {
            switch node {
            case .text(let bytes):
                if case .text(let previous)? = result.last {
                    result[result.count - 1] = .text(previous + bytes)
                } else {
                    result.append(node)
                }
            case .conditional(let branches, let otherwise):
                result.append(.conditional(branches: branches.map { ($0.0, coalesce($0.1)) }, otherwise: coalesce(otherwise)))
            case .loop(let variable, let collection, let body):
                result.append(.loop(variable: variable, collection: collection, body: coalesce(body)))
            default:
                result.append(node)
            }
        }
        return result
    }
}

/// Walks a linked template, appending output bytes.
private struct Renderer {
    let root: TemplateValue
    var locals: [(name: String, value: TemplateValue)] = []
    var output: [UInt8] = []

    init(root: TemplateValue) {
        self.root = root
    }

    mutating func render(_ nodes: [TemplateNode]) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                output.append(contentsOf: bytes)
            case .print(let expression, let escape):
                evaluate(expression).appendText(to: &output, escaping: escape)
            case .conditional(let branches, let otherwise):
                if let branch = branches.first(where: { evaluate($0.0).isTruthy }) {
                    render(branch.1)
                } else {
                    render(otherwise)
                }
            case .loop(let variable, let collection, let body):
                guard case .array(let items) = evaluate(collection) else { continue }
                for item in items {
                    locals.append((variable, item))
                    render(body)
                    locals.removeLast()
                }
            case .extend, .slot:
                continue // resolved by linking
            }
        }
    }

    func evaluate(_ expression: TemplateExpression) -> TemplateValue {
        switch expression {
        case .path(let parts):
            var value: TemplateValue
            if let local = locals.last(where: { $0.name == parts[0] }) {
                value = local.value
            } else {
                value = root[parts[0]]
            }
            for part in parts.dropFirst() { value = value[part] }
            return value
        case .string(let value): return .string(value)
        case .integer(let value): return .int(value)
        case .boolean(let value): return .bool(value)
        case .not(let inner): return .bool(!evaluate(inner).isTruthy)
        case .call(let name, let argument):
            let value = evaluate(argument)
            switch (name, value) {
            case ("count", .array(let items)): return .int(items.count)
            case ("count", .object(let fields)): return .int(fields.count)
            case ("count", .string(let text)): return .int(text.count)
            case ("lowercased", .string(let text)): return .string(text.lowercased())
            case ("uppercased", .string(let text)): return .string(text.uppercased())
            default: return .null
            }
        case .binary(let op, let lhs, let rhs):
            switch op {
            case .and: return .bool(evaluate(lhs).isTruthy && evaluate(rhs).isTruthy)
            case .or: return .bool(evaluate(lhs).isTruthy || evaluate(rhs).isTruthy)
            case .equal: return .bool(evaluate(lhs) == evaluate(rhs))
            case .notEqual: return .bool(evaluate(lhs) != evaluate(rhs))
            case .greater, .less, .greaterOrEqual, .lessOrEqual:
                guard let left = Self.number(evaluate(lhs)), let right = Self.number(evaluate(rhs)) else { return .bool(false) }
                switch op {
                case .greater: return .bool(left > right)
                case .less: return .bool(left < right)
                case .greaterOrEqual: return .bool(left >= right)
                default: return .bool(left <= right)
                }
            }
        }
    }

    static func number(_ value: TemplateValue) -> Double? {
        switch value {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}
