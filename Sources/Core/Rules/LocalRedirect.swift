/// Where to continue after signing in (`next=`): a path on this site only, so a
/// crafted link cannot send a person elsewhere (SECURITY.md 40).
public enum LocalRedirect {
    /// `candidate` when it is a plain local path, else `fallback`.
    /// Characters outside ASCII are percent-encoded: a `Location` header is ASCII (RFC 9110 §10.2.2), and raw
    /// UTF-8 bytes in one are read differently by different clients.
    public static func target(_ candidate: String?, fallback: String) -> String {
        guard let candidate, isLocalPath(candidate) else { return fallback }
        return asciiOnly(candidate)
    }

    static func asciiOnly(_ path: String) -> String {
        guard !path.utf8.allSatisfy({ $0 < 0x80 }) else { return path }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in path.utf8 {
            if byte < 0x80 { bytes.append(byte) } else { bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]] }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Starts with one `/` (not `//` or `/\`, which browsers read as another host) and
    /// holds no whitespace or control character that could split a header or hide a host.
    public static func isLocalPath(_ candidate: String) -> Bool {
        guard candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\") else { return false }
        return !candidate.unicodeScalars.contains { $0.properties.isWhitespace || $0.properties.generalCategory == .control }
    }
}
