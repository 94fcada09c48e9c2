/// The hosts one server may fetch from. Entries are `api.example.com` (that host only), `*.example.com` (any
/// subdomain at any depth, not `example.com` itself) or `*` (any host). Matching is on the parsed host, so case,
/// a trailing dot and the spelling of an IP literal make no difference. The allowlist only decides which names
/// may be asked for; the address check still refuses every non-public address, `*` included, and only a host named
/// by an entry other than `*` may reach a range the operator opened (`names`).
public struct HostAllowlist: Hashable, Sendable {
    private enum Rule: Hashable {
        case any
        case exact(String)
        /// Matches names ending in `.suffix`.
        case subdomains(of: String)
    }

    private let rules: [Rule]
    /// The entries as written, for error messages.
    public let entries: [String]

    /// Entries that are neither a host nor a `*.` wildcard over one are ignored: they could never match safely.
    public init(_ entries: [String]) {
        self.entries = entries
        rules = entries.compactMap(Self.rule(for:))
    }

    public func allows(_ host: URLHost) -> Bool {
        rules.contains { matches($0, host) }
    }

    /// Whether an entry other than `*` allows the host: only a host the server names may reach the ranges an
    /// operator opened (`BMM_EGRESS_ALLOW_CIDRS`); `*` means any public host, never an internal one.
    public func names(_ host: URLHost) -> Bool {
        rules.contains { $0 != .any && matches($0, host) }
    }

    private func matches(_ rule: Rule, _ host: URLHost) -> Bool {
        switch rule {
        case .any:
            return true
        case .exact(let allowed):
            return host.text == allowed
        case .subdomains(let parent):
            guard case .name(let name) = host else { return false }
            return name.hasSuffix("." + parent)
        }
    }

    private static func rule(for entry: String) -> Rule? {
        let trimmed = entry.trimmingASCIISpaces()
        if trimmed == "*" { return .any }
        if trimmed.hasPrefix("*.") {
            guard case .name(let parent) = URLHost(parsing: String(trimmed.dropFirst(2))) else { return nil }
            return .subdomains(of: parent)
        }
        // A bare IPv6 address is accepted as well as the bracketed URL form.
        if let address = IPAddress.parseIPv6(trimmed) { return .exact(address.description) }
        return URLHost(parsing: trimmed).map { .exact($0.text) }
    }
}
