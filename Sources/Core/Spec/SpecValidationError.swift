/// A spec that breaks the contract, with every problem found.
public struct SpecValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problems: [SpecProblem]
    /// The first few problems in one line, then "and N more".
    public var summary: String

    /// How many problems `summary` spells out.
    public static let problemsInSummary = 3

    public init(problems: [SpecProblem]) {
        self.problems = problems
        let shown = problems.prefix(Self.problemsInSummary).map(\.description).joined(separator: "; ")
        let hidden = problems.count - min(problems.count, Self.problemsInSummary)
        summary = hidden > 0 ? "\(shown); and \(hidden) more" : shown
    }

    public var description: String { summary }
}
