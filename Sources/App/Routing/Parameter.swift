import Foundation

/// A path parameter of a route: `.key` stands for it when the route is registered
/// (`/servers/:server`), `.value(x)` fills it in when a link is printed
/// (`/servers/3f0c…`). One case of the route table serves both.
enum Parameter<Value: PathValue>: Hashable, Sendable {
    case key
    case value(Value)
}

extension Parameter: ExpressibleByStringLiteral, ExpressibleByUnicodeScalarLiteral, ExpressibleByExtendedGraphemeClusterLiteral
where Value == String {
    init(stringLiteral value: String) { self = .value(value) }
}

/// A value that can stand in a path: printed the one canonical way.
protocol PathValue: Hashable, Sendable {
    var pathText: String { get }
}

extension UUID: PathValue {
    /// Lowercase, so every printed link to the same thing is the same string.
    var pathText: String { uuidString.lowercased() }
}

extension Int: PathValue {
    var pathText: String { String(self) }
}

extension String: PathValue {
    var pathText: String { self }
}

/// The names path parameters are registered under; handlers read them by the same name.
enum RouteKey: String, Sendable {
    case server
    case build
    case draft
    case version
    case token
    case member
    case grant
    case organization
    case template
    case invitation
    case secret
    case session
}

extension Parameter {
    func segment(_ key: RouteKey) -> PathSegment {
        switch self {
        case .key: .parameter(key, nil)
        case .value(let value): .parameter(key, value.pathText)
        }
    }

    /// A parameter that takes the rest of the path (`/docs/**`).
    var catchAll: PathSegment {
        switch self {
        case .key: .catchAll(nil)
        case .value(let value): .catchAll(value.pathText)
        }
    }
}
