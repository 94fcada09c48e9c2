/// Whether an address is a public unicast destination, and if not, which special range it falls in.
public enum AddressClass: Hashable, Sendable {
    case publicUnicast
    /// The name of the special-purpose range (`loopback`, `private`, `IPv4-mapped`, …).
    case special(String)
}

extension IPAddress {
    public var addressClass: AddressClass {
        for (range, name) in SpecialRanges.all where range.contains(self) {
            return .special(name)
        }
        // IPv6 global unicast is 2000::/3; everything outside it (unassigned, ULA, link-local, multicast, …) is not
        // a destination on the internet.
        if isIPv6, !SpecialRanges.globalUnicastV6.contains(self) { return .special("non-global IPv6") }
        return .publicUnicast
    }

    public var isPublic: Bool { addressClass == .publicUnicast }

    /// Public unicast, or inside a range the operator or the policy opened on purpose.
    public func isAllowed(extraAllowed: [CIDR]) -> Bool {
        isPublic || extraAllowed.contains { $0.contains(self) }
    }
}

/// The IANA special-purpose registries (RFC 6890 and successors), plus every IPv6 range that embeds or tunnels
/// to an IPv4 address: those would let a public-looking IPv6 literal reach a private IPv4 host.
enum SpecialRanges {
    static let globalUnicastV6 = range("2000::/3")

    static let all: [(CIDR, String)] = [
        (range("0.0.0.0/8"), "this network"),
        (range("10.0.0.0/8"), "private"),
        (range("100.64.0.0/10"), "shared address space"),
        (range("127.0.0.0/8"), "loopback"),
        (range("169.254.0.0/16"), "link-local (cloud metadata)"),
        (range("172.16.0.0/12"), "private"),
        (range("192.0.0.0/24"), "IETF protocol assignments"),
        (range("192.0.2.0/24"), "documentation"),
        (range("192.88.99.0/24"), "6to4 relay anycast"),
        (range("192.168.0.0/16"), "private"),
        (range("198.18.0.0/15"), "benchmarking"),
        (range("198.51.100.0/24"), "documentation"),
        (range("203.0.113.0/24"), "documentation"),
        (range("224.0.0.0/4"), "multicast"),
        (range("255.255.255.255/32"), "broadcast"),
        (range("240.0.0.0/4"), "reserved"),
        (range("::/128"), "unspecified"),
        (range("::1/128"), "loopback"),
        (range("::ffff:0:0/96"), "IPv4-mapped"),
        (range("::/96"), "IPv4-compatible"),
        (range("64:ff9b::/96"), "NAT64"),
        (range("64:ff9b:1::/48"), "NAT64 (local use)"),
        (range("100::/64"), "discard-only"),
        (range("2001::/32"), "Teredo"),
        (range("2001:db8::/32"), "documentation"),
        (range("2001::/23"), "IETF protocol assignments"),
        (range("2002::/16"), "6to4"),
        (range("3fff::/20"), "documentation"),
        (range("fc00::/7"), "unique local"),
        (range("fe80::/10"), "link-local"),
        (range("fec0::/10"), "site-local"),
        (range("ff00::/8"), "multicast"),
    ]

    private static func range(_ text: String) -> CIDR {
        do {
            return try CIDR(parsing: text)
        } catch {
            preconditionFailure("built-in range \(text) does not parse: \(error)")
        }
    }
}
