import Foundation

/// What an `allowedDomains` entry may be: a lowercase DNS host name (`api.github.com`), a
/// wildcard over the subdomains of one domain (`*.example.com`), `*` alone, or an IPv4 address in
/// its plain dotted form (`10.20.0.5`): the way to name an internal API on a range the operator opened
/// (`BMM_EGRESS_ALLOW_CIDRS`), which `*` never reaches. Other spellings of an address (`0x7f000001`,
/// `127.1`, IPv6) are refused: readers disagree on what they mean.
enum AllowedDomainRule {
    static let maxLength = 253

    /// Why `entry` is not allowed, or nil when it is.
    static func problem(with entry: String) -> String? {
        let quoted = "\"\(entry)\""
        if entry.isEmpty { return "is empty; write a host name like api.example.com" }
        if entry == "*" { return nil }
        if entry.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) {
            return "\(quoted) contains whitespace; write only the host name, like api.example.com"
        }
        if let schemeEnd = entry.range(of: "://") {
            let rest = entry[schemeEnd.upperBound...]
            let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
            return "\(quoted) must be a host name without a scheme; write \"\(host.lowercased())\""
        }
        if entry.hasPrefix("[") || entry.filter({ $0 == ":" }).count > 1 {
            return "\(quoted) is an IPv6 address; list a host name or an IPv4 address written as four numbers, like 10.20.0.5"
        }
        if isDottedIPv4(entry) { return nil }
        if let slash = entry.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            return "\(quoted) must be a host name without a path; write \"\(entry[..<slash].lowercased())\""
        }
        if let colon = entry.firstIndex(of: ":") {
            return "\(quoted) must be a host name without a port; write \"\(entry[..<colon].lowercased())\" (any port is allowed)"
        }
        if entry.contains("@") {
            return "\(quoted) must be a host name without a user name"
        }
        if entry != entry.lowercased() {
            return "\(quoted) must be lowercase; write \"\(entry.lowercased())\""
        }
        if entry.unicodeScalars.contains(where: { !$0.isASCII }) {
            return "\(quoted) must be written in its ASCII (punycode, xn--) form"
        }
        if entry.hasSuffix(".") {
            return "\(quoted) must not end with a dot; write \"\(entry.dropLast())\""
        }
        if entry.utf8.count > maxLength {
            return "\(quoted) is longer than \(maxLength) characters, the limit for a host name"
        }

        var host = Substring(entry)
        if entry.hasPrefix("*.") {
            host = entry.dropFirst(2)
            if host.split(separator: ".", omittingEmptySubsequences: false).count < 2 {
                return "\(quoted) covers a whole top-level domain; a wildcard must name a domain, like *.example.com"
            }
        }
        if host.contains("*") {
            return "\(quoted) has a wildcard in the wrong place; * is allowed alone or as the whole first label, like *.example.com"
        }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isNumber) }) || labels.last?.allSatisfy(\.isNumber) == true
            || labels.allSatisfy({ $0.hasPrefix("0x") })
        {
            return "\(quoted) is an IP address in a form readers disagree on; write it as four decimal numbers, like 10.20.0.5"
        }
        if labels.count < 2 {
            return "\(quoted) is not a full host name; write one with a domain, like api.example.com"
        }
        for label in labels {
            if label.isEmpty { return "\(quoted) has an empty label (two dots in a row, or a leading dot)" }
            if label.utf8.count > 63 { return "\(quoted) has a label longer than 63 characters" }
            if !label.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
                return "\(quoted) may only contain lowercase letters, digits, hyphens and dots"
            }
            if label.hasPrefix("-") || label.hasSuffix("-") {
                return "\(quoted) has a label that starts or ends with a hyphen"
            }
        }
        return nil
    }

    /// Four decimal numbers from 0 to 255 without leading zeros: the one spelling of an IPv4 address everyone reads alike.
    static func isDottedIPv4(_ entry: String) -> Bool {
        let parts = entry.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { part in
            (1...3).contains(part.count) && part.allSatisfy { $0.isASCII && $0.isNumber } && (part.count == 1 || part.first != "0") && Int(part)! <= 255
        }
    }
}
