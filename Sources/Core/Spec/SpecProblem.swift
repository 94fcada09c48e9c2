/// One precise validation failure: where (a JSON-path-like location such as
/// `tools[1].inputSchema.properties.city.type`) and why, in words a person can act on.
public struct SpecProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
