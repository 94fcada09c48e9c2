/// Walks a linked template, appending output bytes. Strict rendering turns every
/// lookup of something the view model does not have into a `TemplateError`.
struct TemplateRenderer {
    /// One `#for` iteration: its variable and the helpers LeafKit defines.
    private struct LoopFrame {
        let variable: String
        let item: TemplateValue
        let index: Int
        let count: Int
    }

    let root: TemplateValue
    let isStrict: Bool
    private var loops: [LoopFrame] = []
    var output: [UInt8] = []

    init(root: TemplateValue, isStrict: Bool) {
        self.root = root
        self.isStrict = isStrict
    }

    mutating func render(_ nodes: [TemplateNode]) throws(TemplateError) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                output.append(contentsOf: bytes)
            case .print(let expression, let escape, let location):
                let value = try evaluate(expression, at: location)
                if isStrict, case .array = value {
                    throw error(location, "`\(expression)` is a list; print its items with #for")
                }
                if isStrict, case .object = value {
                    throw error(location, "`\(expression)` is an object; print one of its fields")
                }
                value.appendText(to: &output, escaping: escape)
            case .conditional(let branches, let otherwise):
                var chosen = otherwise
                for branch in branches {
                    if try isTrue(branch.condition, at: branch.location) {
                        chosen = branch.body
                        break
                    }
                }
                try render(chosen)
            case .loop(let variable, let collection, let body, let location):
                let items: [TemplateValue]
                switch try evaluate(collection, at: location) {
                case .array(let values):
                    items = values
                case .null:
                    continue
                case let other:
                    guard isStrict else { continue }
                    throw error(location, "#for needs a list, but `\(collection)` is \(other.kindDescription)")
                }
                for (index, item) in items.enumerated() {
                    loops.append(LoopFrame(variable: variable, item: item, index: index, count: items.count))
                    defer { loops.removeLast() }
                    try render(body)
                }
            case .extend, .slot:
                continue // resolved by linking
            }
        }
    }

    private func isTrue(_ expression: TemplateExpression, at location: SourceLocation) throws(TemplateError) -> Bool {
        let value = try evaluate(expression, at: location)
        if isStrict, case .array = value {
            throw error(location, "`\(expression)` is a list, which is true even when empty; test `count(\(expression)) > 0`")
        }
        return value.isTruthy
    }

    private func evaluate(_ expression: TemplateExpression, at location: SourceLocation) throws(TemplateError) -> TemplateValue {
        switch expression {
        case .path(let parts):
            return try lookUp(parts, at: location)
        case .string(let value): return .string(value)
        case .integer(let value): return .int(value)
        case .boolean(let value): return .bool(value)
        case .not(let inner): return .bool(!(try isTrue(inner, at: location)))
        case .call(let name, let argument):
            return try call(name, argument, at: location)
        case .binary(let op, let lhs, let rhs):
            switch op {
            case .and:
                guard try isTrue(lhs, at: location) else { return .bool(false) }
                return .bool(try isTrue(rhs, at: location))
            case .or:
                if try isTrue(lhs, at: location) { return .bool(true) }
                return .bool(try isTrue(rhs, at: location))
            case .equal, .notEqual:
                let left = try evaluate(lhs, at: location)
                let right = try evaluate(rhs, at: location)
                if isStrict, left.kind != right.kind, left != .null, right != .null {
                    throw error(location, "`\(expression)` compares \(left.kindDescription) with \(right.kindDescription), which is never equal")
                }
                let equal = Self.number(left).flatMap { l in Self.number(right).map { $0 == l } } ?? (left == right)
                return .bool(op == .equal ? equal : !equal)
            case .greater, .less, .greaterOrEqual, .lessOrEqual:
                let leftValue = try evaluate(lhs, at: location)
                let rightValue = try evaluate(rhs, at: location)
                guard let left = Self.number(leftValue), let right = Self.number(rightValue) else {
                    guard isStrict else { return .bool(false) }
                    let culprit = Self.number(leftValue) == nil ? (lhs, leftValue) : (rhs, rightValue)
                    throw error(location, "`\(op.rawValue)` compares numbers, but `\(culprit.0)` is \(culprit.1.kindDescription)")
                }
                switch op {
                case .greater: return .bool(left > right)
                case .less: return .bool(left < right)
                case .greaterOrEqual: return .bool(left >= right)
                default: return .bool(left <= right)
                }
            }
        }
    }

    private func call(_ name: String, _ argument: TemplateExpression, at location: SourceLocation) throws(TemplateError) -> TemplateValue {
        let value = try evaluate(argument, at: location)
        switch (name, value) {
        case ("count", .array(let items)): return .int(items.count)
        case ("count", .object(let fields)): return .int(fields.count)
        case ("count", .string(let text)): return .int(text.count)
        case ("lowercased", .string(let text)): return .string(text.lowercased())
        case ("uppercased", .string(let text)): return .string(text.uppercased())
        case ("lowercased", .null), ("uppercased", .null): return .null
        default:
            guard isStrict else { return .null }
            let expected = name == "count" ? "a list, an object or a string" : "a string"
            throw error(location, "\(name)() needs \(expected), but `\(argument)` is \(value.kindDescription)")
        }
    }

    /// `a.b.c`: loop variables and helpers first (innermost loop first), then the
    /// view model. A `nil` along the way makes the whole path `nil`.
    private func lookUp(_ parts: [String], at location: SourceLocation) throws(TemplateError) -> TemplateValue {
        let name = parts[0]
        var value: TemplateValue
        if let local = local(name) {
            value = local
        } else if case .object(let fields) = root, let field = fields[name] {
            value = field
        } else {
            guard isStrict else { return .null }
            throw error(location, "unknown name `\(name)`" + Self.available(in: root, loops: loops.map(\.variable)))
        }
        for (offset, part) in parts.enumerated().dropFirst() {
            switch value {
            case .null:
                return .null
            case .object(let fields):
                if let field = fields[part] {
                    value = field
                } else {
                    guard isStrict else { return .null }
                    let path = parts[..<offset].joined(separator: ".")
                    throw error(location, "`\(path)` has no field `\(part)`" + Self.available(in: value, loops: []))
                }
            default:
                guard isStrict else { return .null }
                let path = parts[..<offset].joined(separator: ".")
                throw error(location, "`\(path)` is \(value.kindDescription), which has no field `\(part)`")
            }
        }
        return value
    }

    private func local(_ name: String) -> TemplateValue? {
        for frame in loops.reversed() {
            if name == frame.variable { return frame.item }
            switch name {
            case "index": return .int(frame.index)
            case "isFirst": return .bool(frame.index == 0)
            case "isLast": return .bool(frame.index == frame.count - 1)
            default: continue
            }
        }
        return nil
    }

    private static func available(in value: TemplateValue, loops: [String]) -> String {
        guard case .object(let fields) = value else { return "" }
        let names = (loops + fields.keys.sorted())
        guard !names.isEmpty else { return "" }
        let shown = names.prefix(12).map { "`\($0)`" }.joined(separator: ", ")
        return " (there is \(shown)\(names.count > 12 ? ", …" : ""))"
    }

    private func error(_ location: SourceLocation, _ message: String) -> TemplateError {
        TemplateError(file: location.file, line: location.line, message: message)
    }

    static func number(_ value: TemplateValue) -> Double? {
        switch value {
        case .int(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }
}
