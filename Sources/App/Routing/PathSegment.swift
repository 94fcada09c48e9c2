import Vapor

/// One piece of a route's path. A route is a list of these, which prints as a
/// link or registers as Vapor path components.
enum PathSegment: Hashable, Sendable {
    case literal(String)
    /// A named parameter; `nil` while registering.
    case parameter(RouteKey, String?)
    /// The rest of the path; `nil` while registering.
    case catchAll(String?)

    var text: String {
        switch self {
        case .literal(let text): text
        case .parameter(let key, let value): value ?? ":" + key.rawValue
        case .catchAll(let value): value ?? "**"
        }
    }

    var component: PathComponent {
        switch self {
        case .literal(let text): .constant(text)
        case .parameter(let key, _): .parameter(key.rawValue)
        case .catchAll: .catchall
        }
    }
}

extension Array where Element == PathSegment {
    /// `/a/b/c`, or `/` for no segments.
    var path: String {
        "/" + map(\.text).joined(separator: "/")
    }
}

/// Builds segments from `"a/b"` literals and parameters, so each route case reads
/// like the URL it prints.
func parts(_ parts: any PathSegmentConvertible...) -> [PathSegment] {
    parts.flatMap(\.pathSegments)
}

protocol PathSegmentConvertible {
    var pathSegments: [PathSegment] { get }
}

extension String: PathSegmentConvertible {
    var pathSegments: [PathSegment] {
        split(separator: "/").map { .literal(String($0)) }
    }
}

extension PathSegment: PathSegmentConvertible {
    var pathSegments: [PathSegment] { [self] }
}

extension Array: PathSegmentConvertible where Element == PathSegment {
    var pathSegments: [PathSegment] { self }
}
