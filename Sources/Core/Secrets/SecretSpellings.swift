import Foundation

/// The spellings of a secret value that a tool most often passes on without meaning to: as written, in a URL
/// (`encodeURIComponent`, a form body), inside `JSON.stringify`'s output, and base64-encoded (`btoa`, also after a
/// prefix such as `btoa(user + ":" + key)`). The sandbox redacts each of them from what a call hands back, and the
/// egress guard drops a header holding any of them on a redirect to another origin.
public enum SecretSpellings {
    /// Shorter values would blank out ordinary words and numbers.
    public static let minimumLength = 4

    /// Every distinct spelling at least `minimumLength` long; none for a value shorter than that.
    public static func of(_ value: String) -> [String] {
        guard value.count >= minimumLength else { return [] }
        var spellings = [value, jsonEscaped(value)]
        if let component = value.addingPercentEncoding(withAllowedCharacters: uriComponentCharacters) {
            spellings.append(component)
            spellings.append(component.replacingOccurrences(of: "%20", with: "+"))
        }
        for base64 in base64Runs(Array(value.utf8)) {
            spellings.append(base64)
            spellings.append(base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        var seen = Set<String>()
        return spellings.filter { $0.count >= minimumLength && seen.insert($0).inserted }
    }

    /// The base64 characters that depend on the value's bytes alone, for each of the three places the value can
    /// start within base64's 3-byte groups (after 0, 1 or 2 bytes of something else). Characters that mix in bits of
    /// what comes before or after the value are left out, so the run is the same whatever surrounds the value; what
    /// stays visible around a redacted run is at most a few bits of the value.
    static func base64Runs(_ bytes: [UInt8]) -> [String] {
        guard bytes.count >= 6 else { return [] }
        return (0..<3).compactMap { before in
            // Zero bytes stand in for the unknown neighbours; the characters they touch are cut off below.
            var padded = [UInt8](repeating: 0, count: before) + bytes
            let after = (3 - padded.count % 3) % 3
            padded += [UInt8](repeating: 0, count: after)
            let encoded = Array(Data(padded).base64EncodedString())
            // A group with 1 byte before the value has 2 characters of its own bits, with 2 bytes, 1; a last group
            // with 1 byte of the value has 1 character of its own, with 2 bytes, 2.
            let leading = [0, 2, 3][before]
            let trailing = [0, 2, 3][after]
            guard encoded.count - leading - trailing >= 8 else { return nil }
            return String(encoded[leading..<(encoded.count - trailing)])
        }
    }

    /// What `encodeURIComponent` leaves as it is.
    private static let uriComponentCharacters = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()")

    /// The inside of the string literal `JSON.stringify` writes for the value: Core's JSON writer
    /// escapes exactly the characters it does.
    private static func jsonEscaped(_ value: String) -> String {
        String(JSONValue.string(value).compactText.dropFirst().dropLast())
    }
}
