import Foundation

/// An IPv4 or IPv6 address held as numbers, so every check compares bits rather than text.
///
/// `IPAddress("…")` accepts only the standard spellings (dotted-quad IPv4 without leading zeros, RFC 4291 IPv6 with
/// optional brackets and zone id); the lenient forms that URL hosts allow are read by ``URLHost``.
public enum IPAddress: Hashable, Sendable {
    case v4(UInt32)
    /// The 128 bits as two halves, most significant first.
    case v6(high: UInt64, low: UInt64)

    public init?(_ text: String) {
        if let v4 = Self.parseDottedQuad(Substring(text)) {
            self = .v4(v4)
        } else if let v6 = Self.parseIPv6(text) {
            self = v6
        } else {
            return nil
        }
    }

    public init(v4 a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self = .v4(UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    /// The address as 4 or 16 bytes in network order.
    public var bytes: [UInt8] {
        switch self {
        case .v4(let value):
            return (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
        case .v6(let high, let low):
            return (0..<16).map { index in
                let half = index < 8 ? high : low
                return UInt8(truncatingIfNeeded: half >> (56 - 8 * (index % 8)))
            }
        }
    }

    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    /// The sixteen-bit groups of an IPv6 address (empty for IPv4).
    var groups: [UInt16] {
        guard case .v6(let high, let low) = self else { return [] }
        return (0..<8).map { index in
            let half = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: half >> (48 - 16 * (index % 4)))
        }
    }

    static func v6(groups: [UInt16]) -> IPAddress {
        precondition(groups.count == 8)
        let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
        return .v6(high: high, low: low)
    }
}

extension IPAddress: CustomStringConvertible {
    /// Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest zero run shortened, no brackets).
    public var description: String {
        switch self {
        case .v4(let value):
            return (0..<4).map { String(UInt8(truncatingIfNeeded: value >> (24 - 8 * $0))) }.joined(separator: ".")
        case .v6:
            let groups = self.groups
            var bestStart = -1
            var bestLength = 0
            var index = 0
            while index < 8 {
                guard groups[index] == 0 else {
                    index += 1
                    continue
                }
                let start = index
                while index < 8, groups[index] == 0 { index += 1 }
                if index - start > bestLength { (bestStart, bestLength) = (start, index - start) }
            }
            let hex = groups.map { String($0, radix: 16) }
            guard bestLength >= 2 else { return hex.joined(separator: ":") }
            let head = hex[..<bestStart].joined(separator: ":")
            let tail = hex[(bestStart + bestLength)...].joined(separator: ":")
            return head + "::" + tail
        }
    }

    /// The form that goes in a URL authority: IPv6 in brackets.
    public var uriHost: String { isIPv6 ? "[\(description)]" : description }
}

extension IPAddress {
    /// Exactly four decimal parts of 0…255 with no leading zeros: what `inet_pton` accepts.
    static func parseDottedQuad(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCIIDigit),
                part == "0" || part.first != "0",
                let octet = UInt32(part), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// RFC 4291 text form: hex groups, at most one `::`, an optional trailing dotted quad, optional surrounding
    /// brackets and an optional zone id after `%` (dropped: the zone does not change how the address is classified).
    static func parseIPv6(_ text: String) -> IPAddress? {
        var body = Substring(text)
        if body.first == "[" {
            guard body.last == "]" else { return nil }
            body = body.dropFirst().dropLast()
        }
        if let percent = body.firstIndex(of: "%") {
            let zone = body[body.index(after: percent)...]
            guard !zone.isEmpty, zone.allSatisfy(\.isZoneCharacter) else { return nil }
            body = body[..<percent]
        }
        guard body.contains(":"), body.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }

        let halves = body.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        guard let head = parseGroups(Substring(halves[0]), allowsTrailingIPv4: halves.count == 1) else { return nil }
        if halves.count == 1 {
            return head.count == 8 ? .v6(groups: head) : nil
        }
        guard let tail = parseGroups(Substring(halves[1]), allowsTrailingIPv4: true),
            head.count + tail.count <= 7
        else { return nil }
        return .v6(groups: head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail)
    }

    private static func parseGroups(_ text: Substring, allowsTrailingIPv4: Bool) -> [UInt16]? {
        guard !text.isEmpty else { return [] }
        let pieces = text.split(separator: ":", omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (index, piece) in pieces.enumerated() {
            if piece.contains(".") {
                guard allowsTrailingIPv4, index == pieces.count - 1, let v4 = parseDottedQuad(piece) else {
                    return nil
                }
                groups += [UInt16(truncatingIfNeeded: v4 >> 16), UInt16(truncatingIfNeeded: v4)]
            } else {
                guard (1...4).contains(piece.count), let group = UInt16(piece, radix: 16) else { return nil }
                groups.append(group)
            }
        }
        return groups.count <= 8 ? groups : nil
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }

    /// RFC 6874 zone ids: unreserved characters.
    fileprivate var isZoneCharacter: Bool {
        isASCII && (isLetter || isNumber || "-._~".contains(self))
    }
}
