/// Where a tag stands: the template file and its line, for error messages.
struct SourceLocation: Sendable, Equatable {
    let file: String
    let line: Int
}

/// A template compiled to a tree. Produced once at start-up by `TemplateParser`.
indirect enum TemplateNode: Sendable {
    struct Branch: Sendable {
        let condition: TemplateExpression
        let location: SourceLocation
        let body: [TemplateNode]
    }

    case text([UInt8])
    case print(TemplateExpression, escape: Bool, SourceLocation)
    case conditional(branches: [Branch], otherwise: [TemplateNode])
    case loop(variable: String, collection: TemplateExpression, body: [TemplateNode], SourceLocation)
    /// `#extend("name")` (an include) or `#extend("name"): #export("slot"): … #endextend`.
    case extend(name: String, exports: [String: [TemplateNode]], line: Int)
    /// `#import("slot")` in a layout.
    case slot(String)
}

indirect enum TemplateExpression: Sendable, Equatable {
    enum Operator: String, Sendable {
        case equal = "==", notEqual = "!=", greater = ">", less = "<", greaterOrEqual = ">=", lessOrEqual = "<="
        case and = "&&", or = "||"
    }

    case path([String])
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case not(TemplateExpression)
    case binary(Operator, TemplateExpression, TemplateExpression)
    case call(String, TemplateExpression)
}

extension TemplateExpression: CustomStringConvertible {
    /// The expression as a template would spell it, for error messages.
    var description: String {
        switch self {
        case .path(let parts): parts.joined(separator: ".")
        case .string(let value): "\"\(value)\""
        case .integer(let value): String(value)
        case .boolean(let value): String(value)
        case .not(let inner): "!\(inner)"
        case .binary(let op, let lhs, let rhs): "\(lhs) \(op.rawValue) \(rhs)"
        case .call(let name, let argument): "\(name)(\(argument))"
        }
    }
}

/// A template that cannot be compiled or rendered, with the file and line to fix.
public struct TemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The message when the folder of templates is missing altogether: an installation, not a template, problem.
    public static let noViewsFolder = "the views folder does not exist"

    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
