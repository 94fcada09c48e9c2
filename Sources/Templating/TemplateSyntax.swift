/// A template compiled to a tree. Produced once at start-up by `TemplateParser`.
indirect enum TemplateNode: Sendable {
    case text([UInt8])
    case print(TemplateExpression, escape: Bool)
    case conditional(branches: [(TemplateExpression, [TemplateNode])], otherwise: [TemplateNode])
    case loop(variable: String, collection: TemplateExpression, body: [TemplateNode])
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

/// A template that cannot be compiled, with the file and line to fix.
public struct TemplateError: Error, CustomStringConvertible, Sendable, Equatable {
    public let file: String
    public let line: Int
    public let message: String

    public var description: String { "\(file):\(line): \(message)" }
}
