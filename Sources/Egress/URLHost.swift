import Foundation

/// The host of a URL, read the way a browser's URL parser (WHATWG) and `inet_aton` read it, so that no spelling of
/// an address can pass as a name: `2130706433`, `0x7f000001`, `0177.0.0.1`, `127.1` and `127.0.0.1.` are all
/// 127.0.0.1. A host whose last label is a number must be a valid IPv4 address; anything else numeric-looking is
/// refused instead of being handed to the system resolver, which would apply its own rules.
public enum URLHost: Hashable, Sendable {
    case address(IPAddress)
    /// A lower-case ASCII domain name without a trailing dot.
    case name(String)

    /// The host as an allowlist compares it: the name, or the address without brackets.
    public var text: String {
        switch self {
        case .address(let address): return address.description
        case .name(let name): return name
        }
    }

    /// The host as it goes in a URL authority.
    public var uriText: String {
        switch self {
        case .address(let address): return address.uriHost
        case .name(let name): return name
        }
    }

    /// Reads a host as it appears in a URL authority (after any userinfo and port are removed).
    /// Returns nil for anything that is neither a valid address nor a plain ASCII domain name.
    public init?(parsing raw: String) {
        if raw.hasPrefix("[") {
            guard raw.hasSuffix("]") else { return nil }
            // RFC 6874 writes the zone separator in a URL as `%25`.
            let inner = raw.dropFirst().dropLast().replacingFirst("%25", with: "%")
            guard let address = IPAddress.parseIPv6(inner) else { return nil }
            self = .address(address)
            return
        }
        var host = raw.lowercased()
        if host.hasSuffix(".") { host.removeLast() }
        guard !host.isEmpty, host.utf8.count <= 253,
            host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") })
        else { return nil }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 }) else { return nil }
        if let last = labels.last, Self.isNumeric(last) {
            guard let value = Self.parseLenientIPv4(labels) else { return nil }
            self = .address(.v4(value))
            return
        }
        self = .name(host)
    }

    /// WHATWG "ends in a number": decimal digits, or `0x` followed by hex digits (possibly none).
    private static func isNumeric(_ label: Substring) -> Bool {
        if label.hasPrefix("0x") { return label.dropFirst(2).allSatisfy(\.isHexDigit) }
        return label.allSatisfy(\.isASCIIDigit)
    }

    /// One to four parts, each decimal, `0x` hex or leading-zero octal; the last part fills the remaining bytes.
    private static func parseLenientIPv4(_ parts: [Substring]) -> UInt32? {
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = parseIPv4Number(part) else { return nil }
            numbers.append(number)
        }
        let last = numbers.removeLast()
        guard numbers.allSatisfy({ $0 <= 255 }), last < UInt64(1) << (8 * (4 - numbers.count)) else { return nil }
        var value = last
        for (index, number) in numbers.enumerated() {
            value += number << (8 * (3 - index))
        }
        return UInt32(value)
    }

    private static func parseIPv4Number(_ part: Substring) -> UInt64? {
        var digits = part
        var radix = 10
        if digits.hasPrefix("0x") {
            digits = digits.dropFirst(2)
            radix = 16
        } else if digits.count > 1, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        if digits.isEmpty { return 0 }
        // Eleven octal digits already exceed 32 bits; refusing longer input keeps the arithmetic in range.
        guard digits.count <= 12, digits.allSatisfy(\.isASCIIHexDigit) else { return nil }
        return UInt64(digits, radix: radix)
    }
}

extension Character {
    var isASCIIHexDigit: Bool { isASCII && isHexDigit }
}

extension Substring {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return String(self) }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
