/// An address range written `address/prefix-length`.
public struct CIDR: Hashable, Sendable {
    public let address: IPAddress
    public let prefixLength: Int

    /// Nil when `prefixLength` does not fit the family or `address` has bits set past the prefix.
    public init?(_ address: IPAddress, prefixLength: Int) {
        guard (0...(address.isIPv6 ? 128 : 32)).contains(prefixLength),
            Self.masked(address, prefixLength) == address
        else { return nil }
        self.address = address
        self.prefixLength = prefixLength
    }

    /// The network of `prefixLength` bits that holds `address` (its host bits cleared); nil when the length does not
    /// fit the family.
    public init?(masking address: IPAddress, toPrefix prefixLength: Int) {
        guard (0...(address.isIPv6 ? 128 : 32)).contains(prefixLength) else { return nil }
        self.init(Self.masked(address, prefixLength), prefixLength: prefixLength)
    }

    /// Parses `10.20.0.0/16` or `2001:db8::/32` strictly: a standard address, an explicit prefix length in range,
    /// and no host bits set (`10.20.0.1/16` is a typo more often than an intent, so it is refused).
    public init(parsing text: String) throws(CIDRParseError) {
        let trimmed = text.trimmingASCIISpaces()
        let pieces = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard pieces.count == 2 else { throw CIDRParseError(entry: trimmed, reason: "expected ADDRESS/PREFIX") }
        guard let address = IPAddress(String(pieces[0])) else {
            throw CIDRParseError(entry: trimmed, reason: "not an IPv4 or IPv6 address")
        }
        let maximum = address.isIPv6 ? 128 : 32
        guard !pieces[1].isEmpty, pieces[1].count <= 3, pieces[1].allSatisfy(\.isASCIIDigit),
            let length = Int(pieces[1]), length <= maximum
        else { throw CIDRParseError(entry: trimmed, reason: "prefix length must be 0…\(maximum)") }
        guard let cidr = CIDR(address, prefixLength: length) else {
            throw CIDRParseError(entry: trimmed, reason: "address has bits set beyond the prefix")
        }
        self = cidr
    }

    /// A comma-separated list such as `BMM_EGRESS_ALLOW_CIDRS`. Blank input is an empty list; an empty entry
    /// (a stray comma) is an error like any other bad entry.
    public static func parseList(_ text: String) throws(CIDRParseError) -> [CIDR] {
        guard !text.trimmingASCIISpaces().isEmpty else { return [] }
        var ranges: [CIDR] = []
        for entry in text.split(separator: ",", omittingEmptySubsequences: false) {
            ranges.append(try CIDR(parsing: String(entry)))
        }
        return ranges
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.isIPv6 == address.isIPv6 else { return false }
        return Self.masked(candidate, prefixLength) == address
    }

    private static func masked(_ address: IPAddress, _ length: Int) -> IPAddress {
        switch address {
        case .v4(let value):
            let mask: UInt32 = length == 0 ? 0 : ~0 << (32 - min(length, 32))
            return .v4(value & mask)
        case .v6(let high, let low):
            let highMask: UInt64 = length <= 0 ? 0 : (length >= 64 ? ~0 : ~0 << (64 - length))
            let lowMask: UInt64 = length <= 64 ? 0 : (length >= 128 ? ~0 : ~0 << (128 - length))
            return .v6(high: high & highMask, low: low & lowMask)
        }
    }
}

extension CIDR: CustomStringConvertible {
    public var description: String { "\(address)/\(prefixLength)" }
}

/// A CIDR entry that could not be read. `entry` is the operator's own text, echoed so the bad one can be found.
public struct CIDRParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let entry: String
    public let reason: String

    public var description: String { "invalid CIDR entry \"\(entry)\": \(reason)" }
}

/// Reads the operator's egress allowlist once at start-up.
public enum OperatorEgressAllowlist {
    public static let environmentKey = "BMM_EGRESS_ALLOW_CIDRS"

    /// The ranges in `BMM_EGRESS_ALLOW_CIDRS`, or none when it is unset.
    public static func ranges(environment: [String: String]) throws(CIDRParseError) -> [CIDR] {
        guard let value = environment[environmentKey] else { return [] }
        return try CIDR.parseList(value)
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
