import Foundation

/// An outside service's base URL (a mail or SMS provider, Stripe), checked once when its
/// client is built: `https://host[:port][/prefix]`, or plain `http` only for loopback
/// hosts (a local server that speaks the same protocol), so a typo in configuration
/// cannot send credentials in clear text.
public struct ServiceBaseURL: Sendable, Equatable {
    /// The URL without trailing slashes; paths are appended to it.
    public let text: String

    public struct Problem: Error, Equatable, Sendable {
        public let message: String
    }

    public init(_ raw: String) throws(Problem) {
        var trimmed = raw.trimmingCharacters(in: .whitespaces)
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard
            let components = URLComponents(string: trimmed),
            let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil,
            components.query == nil, components.fragment == nil
        else {
            throw Problem(message: "base URL must be an absolute http(s) URL without credentials, query or fragment")
        }
        let loopback = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw Problem(message: "base URL must use https (http only on loopback)")
        }
        text = trimmed
    }
}
