public struct EgressHeader: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == EgressHeader {
    /// The first value of a header, matching the name case-insensitively.
    public func first(named name: String) -> String? {
        first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// What a redirect answer does to a fetch (the Fetch standard's `redirect` option).
public enum EgressRedirectMode: String, Sendable {
    /// Follows it, checking each hop as the first request.
    case follow
    /// Fails the fetch without following it.
    case error
    /// Returns the redirect answer itself, `Location` and all, as server-side runtimes do.
    case manual
}

/// One fetch as a tool or the OAuth server asks for it.
public struct EgressRequest: Sendable {
    public var url: String
    public var method: String
    /// Sent as given, less the headers that the transport owns (see ``EgressHeaders``).
    public var headers: [EgressHeader]
    public var body: [UInt8]?
    /// Values that must not follow a redirect to another origin in any header (the calling tool's secrets).
    public var secretValues: [String]
    public var redirect: EgressRedirectMode

    public init(url: String, method: String = "GET", headers: [EgressHeader] = [], body: [UInt8]? = nil, secretValues: [String] = [],
                redirect: EgressRedirectMode = .follow) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.secretValues = secretValues
        self.redirect = redirect
    }
}

public struct EgressResponse: Sendable {
    public var status: Int
    /// The status code's reason phrase ("OK", "Not Found"); empty for a code HTTP does not name.
    public var statusText: String
    public var headers: [EgressHeader]
    /// The whole body, at most ``EgressPolicy/maxResponseBytes`` long.
    public var body: [UInt8]
    /// The URL that answered, after redirects, in the canonical form this module sent it.
    public var finalURL: String

    public init(status: Int, statusText: String = "", headers: [EgressHeader], body: [UInt8], finalURL: String) {
        self.status = status
        self.statusText = statusText
        self.headers = headers
        self.body = body
        self.finalURL = finalURL
    }
}
