/// An absolute http(s) URL parsed by this module alone, then re-serialised canonically for the transport.
///
/// Two parsers that disagree about where the host is are a classic SSRF hole, so the transport is only ever
/// given ``string``, which is built from the parts checked here: lower-case scheme and host, IP literals in
/// standard form, no userinfo, no fragment, and a path and query percent-encoded to RFC 3986.
struct EgressURL: Hashable, Sendable {
    var scheme: String
    var host: URLHost
    /// The port as written, nil when the URL left it out.
    var explicitPort: Int?
    /// Starts with `/`; includes `?query` when there is one.
    var pathAndQuery: String

    var port: Int { explicitPort ?? (scheme == "https" ? 443 : 80) }

    var origin: String { "\(scheme)://\(host.uriText):\(port)" }

    var string: String {
        let portPart = explicitPort.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host.uriText)\(portPart)\(pathAndQuery)"
    }

    /// Parses an absolute URL. The scheme is checked first, so `javascript:…` or `file:///…` report their scheme
    /// rather than a syntax error.
    static func parse(_ text: String, allowedScheme: (String) -> Bool) throws(EgressError) -> EgressURL {
        // Control characters and spaces are never valid in a URL; stripping them silently is how parsers drift apart.
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw .invalidURL
        }
        guard let colon = text.firstIndex(of: ":") else { throw .invalidURL }
        let scheme = String(text[..<colon])
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) })
        else { throw .invalidURL }
        let lowerScheme = scheme.lowercased()
        guard allowedScheme(lowerScheme) else { throw .schemeNotAllowed(lowerScheme) }

        let afterScheme = text[text.index(after: colon)...]
        guard afterScheme.hasPrefix("//") else { throw .invalidURL }
        let rest = afterScheme.dropFirst(2)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        // WHATWG parsers treat `\` as `/` in http(s) URLs; Foundation does not. Refuse it rather than pick one.
        guard !authority.contains("\\") else { throw .invalidURL }
        guard !authority.contains("@") else { throw .userInfoNotAllowed }
        let (host, port) = try parseAuthority(authority)

        var remainder = rest[authorityEnd...]
        if let hash = remainder.firstIndex(of: "#") { remainder = remainder[..<hash] }
        let queryStart = remainder.firstIndex(of: "?")
        let rawPath = remainder[..<(queryStart ?? remainder.endIndex)]
        var pathAndQuery = removeDotSegments(percentEncoded(rawPath, allowing: pathCharacters))
        if pathAndQuery.isEmpty { pathAndQuery = "/" }
        if let queryStart {
            let query = remainder[remainder.index(after: queryStart)...]
            pathAndQuery += "?" + percentEncoded(query, allowing: queryCharacters)
        }
        return EgressURL(scheme: lowerScheme, host: host, explicitPort: port, pathAndQuery: pathAndQuery)
    }

    /// Resolves a redirect's `Location` against this URL (RFC 3986 §5.2), then parses the result like any URL.
    func resolving(_ reference: String, allowedScheme: (String) -> Bool) throws(EgressError) -> EgressURL {
        let location = reference.trimmingASCIISpaces()
        guard !location.isEmpty else { throw .invalidRedirect }
        if let colon = location.firstIndex(of: ":"),
            location[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }),
            location.first?.isLetter == true
        {
            return try Self.parse(location, allowedScheme: allowedScheme)
        }
        let target: String
        if location.hasPrefix("//") {
            target = "\(scheme):\(location)"
        } else if location.hasPrefix("/") {
            target = "\(scheme)://\(authority)\(location)"
        } else if location.hasPrefix("?") {
            target = "\(scheme)://\(authority)\(path)\(location)"
        } else if location.hasPrefix("#") {
            return self
        } else {
            let directory = path[...(path.lastIndex(of: "/") ?? path.startIndex)]
            target = "\(scheme)://\(authority)\(directory)\(location)"
        }
        return try Self.parse(target, allowedScheme: allowedScheme)
    }

    private var authority: String { host.uriText + (explicitPort.map { ":\($0)" } ?? "") }

    private var path: String {
        String(pathAndQuery[..<(pathAndQuery.firstIndex(of: "?") ?? pathAndQuery.endIndex)])
    }

    private static func parseAuthority(_ authority: Substring) throws(EgressError) -> (URLHost, Int?) {
        var hostText = authority
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL }
            hostText = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .invalidURL }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostText = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !hostText.isEmpty, let host = URLHost(parsing: String(hostText)) else { throw .invalidURL }
        guard let portText else { return (host, nil) }
        guard (1...5).contains(portText.count), portText.allSatisfy(\.isASCIIDigit),
            let port = Int(portText), (1...65535).contains(port)
        else { throw .invalidURL }
        return (host, port)
    }

    private static let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)
    private static let subDelimiters = Set("!$&'()*+,;=".utf8)
    private static let pathCharacters = unreserved.union(subDelimiters).union(":@/".utf8)
    private static let queryCharacters = pathCharacters.union("?".utf8)

    /// Keeps allowed bytes and valid `%XX` escapes; encodes everything else, including a stray `%` and `\`.
    private static func percentEncoded(_ text: Substring, allowing allowed: Set<UInt8>) -> String {
        let bytes = Array(text.utf8)
        var output = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < bytes.count, isHex(bytes[index + 1]), isHex(bytes[index + 2]) {
                output += String(decoding: bytes[index...(index + 2)], as: UTF8.self)
                index += 3
                continue
            }
            if allowed.contains(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output +=
                    "%" + String(byte >> 4, radix: 16, uppercase: true)
                    + String(byte & 0xF, radix: 16, uppercase: true)
            }
            index += 1
        }
        return output
    }

    private static func isHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
    }

    /// RFC 3986 §5.2.4, on a path that is empty or starts with `/`.
    static func removeDotSegments(_ path: String) -> String {
        var output: [Substring] = []
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                if isLast { output.append("") }
            case "..":
                if !output.isEmpty { output.removeLast() }
                if isLast { output.append("") }
            default:
                output.append(segment)
            }
        }
        return output.isEmpty ? "" : "/" + output.joined(separator: "/")
    }
}
