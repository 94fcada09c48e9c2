/// A business rule said no. Core states the rule and the words; the app maps
/// `kind` to an HTTP status in one place (`APIError(_ violation:)`).
public protocol RuleViolation: Error, Sendable {
    var kind: RuleViolationKind { get }
    /// A stable snake_case code, the same the UI turns into friendly text.
    var code: String { get }
    /// A sentence for people: what happened and what to do.
    var message: String { get }
}

public enum RuleViolationKind: Sendable, Equatable {
    /// Not allowed for this person (403).
    case forbidden
    /// Conflicts with the current state (409).
    case conflict
    /// Over a plan's limit until it is upgraded (402).
    case planLimit
    /// Used up for now; try again after `retryAfterSeconds` (429).
    case exhausted(retryAfterSeconds: Int)
}
