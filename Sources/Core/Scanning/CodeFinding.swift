public enum CodeFindingKind: String, Sendable, Hashable, Codable, CaseIterable {
    case eval
    case functionConstructor
    case dynamicImport
    case stringTimer
    case hostAccess
    case prototypePollution
    case promptInjection
    case leakedSecret
    case leakedSecretValue
}

/// Something in tool code the build refuses. `message` starts with the line and says what
/// to do instead; it never repeats a secret.
public struct CodeFinding: Sendable, Hashable, Codable {
    public var kind: CodeFindingKind
    /// 1-based.
    public var line: Int
    public var message: String

    public init(kind: CodeFindingKind, line: Int, message: String) {
        self.kind = kind
        self.line = line
        self.message = message
    }
}
