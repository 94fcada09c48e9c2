/// The `format` values the subset asserts. Each is checked strictly and without
/// Foundation's lenient parsers, so the result is the same on every platform.
enum JSONSchemaFormat: String, CaseIterable, Sendable {
    case date
    case dateTime = "date-time"
    case email
    case uri

    /// What a valid value looks like, for "must be …" messages.
    var expectation: String {
        switch self {
        case .date: "a date like 2024-05-31 (YYYY-MM-DD)"
        case .dateTime: "a date-time like 2024-05-31T14:30:00Z (RFC 3339, with a time zone)"
        case .email: "an email address like name@example.com"
        case .uri: "an absolute URI with a scheme, like https://example.com/page"
        }
    }

    func accepts(_ text: String) -> Bool {
        switch self {
        case .date: Self.isFullDate(Array(text.utf8)[...])
        case .dateTime: Self.isDateTime(Array(text.utf8))
        case .email: Self.isEmail(text)
        case .uri: Self.isAbsoluteURI(text)
        }
    }

    // MARK: RFC 3339

    private static func isFullDate(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count == 10,
            let year = number(bytes, 0, 4), bytes[bytes.startIndex + 4] == UInt8(ascii: "-"),
            let month = number(bytes, 5, 2), bytes[bytes.startIndex + 7] == UInt8(ascii: "-"),
            let day = number(bytes, 8, 2),
            (1...12).contains(month)
        else { return false }
        return (1...daysIn(month: month, year: year)).contains(day)
    }

    private static func isDateTime(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 20, isFullDate(bytes[0..<10]),
            bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: "t")
        else { return false }
        let time = bytes[11...]
        guard let hour = number(time, 0, 2), time[time.startIndex + 2] == UInt8(ascii: ":"),
            let minute = number(time, 3, 2), time[time.startIndex + 5] == UInt8(ascii: ":"),
            let second = number(time, 6, 2),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var rest = time.dropFirst(8)
        if rest.first == UInt8(ascii: ".") {
            let digits = rest.dropFirst().prefix { isDigit($0) }
            guard !digits.isEmpty else { return false }
            rest = rest.dropFirst(1 + digits.count)
        }
        let offsetMinutes: Int
        if rest.count == 1, rest.first == UInt8(ascii: "Z") || rest.first == UInt8(ascii: "z") {
            offsetMinutes = 0
        } else if rest.count == 6, let sign = rest.first,
            sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            let offsetHour = number(rest, 1, 2), rest[rest.startIndex + 3] == UInt8(ascii: ":"),
            let offsetMinute = number(rest, 4, 2), offsetHour <= 23, offsetMinute <= 59
        {
            offsetMinutes = (offsetHour * 60 + offsetMinute) * (sign == UInt8(ascii: "+") ? 1 : -1)
        } else {
            return false
        }
        // A leap second exists only as the last second of a UTC day.
        if second == 60 {
            let utcMinuteOfDay = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utcMinuteOfDay == 23 * 60 + 59
        }
        return true
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ bytes: ArraySlice<UInt8>, _ offset: Int, _ length: Int) -> Int? {
        let start = bytes.startIndex + offset
        guard start + length <= bytes.endIndex else { return nil }
        var value = 0
        for byte in bytes[start..<start + length] {
            guard isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    // MARK: email

    /// The sign-in address rules (plain ASCII, a domain with a dot), without the trimming
    /// that sign-in forms do: an argument with spaces around it is not an address.
    private static func isEmail(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace) else { return false }
        return (try? EmailAddress.parse(text)) != nil
    }

    // MARK: RFC 3986

    private static func isAbsoluteURI(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon > 0,
            isLetter(bytes[0]),
            bytes[1..<colon].allSatisfy({ isLetter($0) || isDigit($0) || "+-.".utf8.contains($0) })
        else { return false }
        var index = colon + 1
        var fragments = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, isHexDigit(bytes[index + 1]), isHexDigit(bytes[index + 2]) else {
                    return false
                }
                index += 3
                continue
            }
            if byte == UInt8(ascii: "#") { fragments += 1 }
            guard fragments <= 1, isLetter(byte) || isDigit(byte) || uriSymbols.contains(byte) else { return false }
            index += 1
        }
        return hasValidAuthorityAndPath(bytes[(colon + 1)...])
    }

    /// RFC 3986 §3.2–3.5 beyond the characters: a port is digits, brackets enclose only an IP literal in the host,
    /// and appear nowhere else (`http://example.com:abc/`, `https://[@example.org/`, `http:/[::1]` are not URIs).
    private static func hasValidAuthorityAndPath(_ rest: ArraySlice<UInt8>) -> Bool {
        var path = rest
        let slash = UInt8(ascii: "/")
        if rest.count >= 2, rest[rest.startIndex] == slash, rest[rest.startIndex + 1] == slash {
            let start = rest.startIndex + 2
            let end = rest[start...].firstIndex { "/?#".utf8.contains($0) } ?? rest.endIndex
            var hostAndPort = rest[start..<end]
            if let at = hostAndPort.lastIndex(of: UInt8(ascii: "@")) {
                guard !hostAndPort[..<at].contains(where: isBracket) else { return false }
                hostAndPort = hostAndPort[(at + 1)...]
            }
            var port: ArraySlice<UInt8> = []
            if hostAndPort.first == UInt8(ascii: "[") {
                guard let close = hostAndPort.firstIndex(of: UInt8(ascii: "]")),
                      isIPLiteral(hostAndPort[(hostAndPort.startIndex + 1)..<close]) else { return false }
                let after = hostAndPort[(close + 1)...]
                guard after.isEmpty || after.first == UInt8(ascii: ":") else { return false }
                port = after.dropFirst()
            } else {
                guard !hostAndPort.contains(where: isBracket) else { return false }
                if let colon = hostAndPort.lastIndex(of: UInt8(ascii: ":")) { port = hostAndPort[(colon + 1)...] }
            }
            guard port.allSatisfy(isDigit) else { return false }
            path = rest[end...]
        }
        return !path.contains(where: isBracket)
    }

    private static func isBracket(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") }

    /// An IPv6 address (RFC 4291 §2.2, a dotted IPv4 tail allowed) or an IPvFuture (`v1.x`).
    private static func isIPLiteral(_ text: ArraySlice<UInt8>) -> Bool {
        if text.first == UInt8(ascii: "v") || text.first == UInt8(ascii: "V") {
            guard let dot = text.firstIndex(of: UInt8(ascii: ".")), dot > text.startIndex + 1, dot + 1 < text.endIndex else { return false }
            return text[(text.startIndex + 1)..<dot].allSatisfy(isHexDigit)
        }
        let string = String(decoding: text, as: UTF8.self)
        let halves = string.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (half, part) in halves.enumerated() where !part.isEmpty {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (position, piece) in pieces.enumerated() {
                let isLast = half == halves.count - 1 && position == pieces.count - 1
                if isLast, piece.contains(".") {
                    guard isDottedIPv4(piece) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(piece.count), piece.utf8.allSatisfy(isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups <= 7 : groups == 8
    }

    /// Four decimal octets, none above 255 and none with a leading zero.
    private static func isDottedIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            (1...3).contains(octet.count) && octet.utf8.allSatisfy(isDigit) && (octet.count == 1 || octet.first != "0") && Int(octet)! <= 255
        }
    }

    /// Unreserved, general and sub-delimiters of RFC 3986, minus the letters and digits.
    private static let uriSymbols = Set("-._~:/?#[]@!$&'()*+,;=".utf8)

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }
}
