/// A sign-in email address. The local part keeps the case it was typed in (that is what
/// the mail is addressed to); equality, hashing and lookups use `normalized`, because
/// nobody means two accounts by `Ann@x.ch` and `ann@x.ch`.
///
/// Deliberately stricter than RFC 5321: plain ASCII dot-atoms only (no quoted local parts,
/// no IP literals, no Unicode — an internationalised domain must arrive in `xn--` form).
/// That keeps every accepted address safe to put in a mail header, a URL or a log line.
public struct EmailAddress: Sendable, Equatable, Hashable {
    public let value: String

    private init(value: String) {
        self.value = value
    }

    /// Lower-cased throughout: the key to store, look up and compare by.
    public var normalized: String { value.lowercased() }

    public var localPart: String { String(value[..<atIndex]) }

    public var domain: String { String(value[value.index(after: atIndex)...]) }

    /// For logs and the UI: first character of the local part, a fixed-width mask (so the
    /// length is not leaked), then the domain.
    public var masked: String {
        "\(localPart.prefix(1))•••@\(domain)"
    }

    public static func == (lhs: EmailAddress, rhs: EmailAddress) -> Bool {
        lhs.normalized == rhs.normalized
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(normalized)
    }

    public static func parse(_ text: String) throws(EmailAddressError) -> EmailAddress {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map(text.index(after:)) ?? start
        let trimmed = text[start..<end]
        guard !trimmed.isEmpty else { throw .invalid(.empty) }
        guard trimmed.utf8.count <= maxLength else { throw .invalid(.tooLong) }

        guard !trimmed.unicodeScalars.contains(where: isSpaceOrControl) else {
            throw .invalid(.invalidCharacters)
        }

        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count > 1 else { throw .invalid(.missingAt) }
        guard parts.count == 2 else { throw .invalid(.multipleAt) }
        let local = parts[0]
        let domain = parts[1].lowercased()

        guard !local.isEmpty else { throw .invalid(.emptyLocalPart) }
        guard local.utf8.count <= maxLocalPartLength else { throw .invalid(.localPartTooLong) }
        guard local.unicodeScalars.allSatisfy({ $0 == "." || atext.contains($0) }) else {
            throw .invalid(.invalidCharacters)
        }
        guard local.first != ".", local.last != ".", !local.contains("..") else {
            throw .invalid(.invalidLocalPart)
        }
        guard isValidDomain(domain) else { throw .invalid(.invalidDomain) }
        return EmailAddress(value: "\(local)@\(domain)")
    }

    /// RFC 5321's limit on a forward path, which is what a mail API will enforce.
    private static let maxLength = 254
    private static let maxLocalPartLength = 64
    private static let maxLabelLength = 63
    /// RFC 5322 `atext`: what may appear between the dots of an unquoted local part.
    private static let atext: Set<Unicode.Scalar> = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".unicodeScalars
    )

    private var atIndex: String.Index {
        value.lastIndex(of: "@") ?? value.endIndex
    }

    private static func isSpaceOrControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }

    private static func isValidDomain(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, let tld = labels.last else { return false }
        let labelsOK = labels.allSatisfy { label in
            (1...maxLabelLength).contains(label.utf8.count)
                && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
        // A top-level domain is letters, or the punycode form of a non-Latin one (`xn--p1ai`).
        let tldOK = tld.hasPrefix("xn--")
            || (tld.count >= 2 && tld.unicodeScalars.allSatisfy { ("a"..."z").contains($0) })
        return labelsOK && tldOK
    }
}

public enum EmailAddressError: Error, Equatable, Sendable {
    case invalid(Reason)

    public enum Reason: String, Sendable, Equatable, CaseIterable {
        case empty
        case tooLong = "too_long"
        case invalidCharacters = "invalid_characters"
        case missingAt = "missing_at"
        case multipleAt = "multiple_at"
        case emptyLocalPart = "empty_local_part"
        case localPartTooLong = "local_part_too_long"
        case invalidLocalPart = "invalid_local_part"
        case invalidDomain = "invalid_domain"
    }

    public var reason: Reason {
        switch self {
        case .invalid(let reason): reason
        }
    }

    /// The JSON API's `error` field; `message` says which part was wrong.
    public var code: String { "invalid_email" }

    public var message: String {
        switch reason {
        case .empty:
            "Please enter an email address."
        case .tooLong:
            "That email address is too long."
        case .invalidCharacters:
            "An email address can't contain spaces, accents, quotes or characters like < > , ; :."
        case .missingAt:
            "An email address needs an @, like name@example.com."
        case .multipleAt:
            "An email address has only one @, like name@example.com."
        case .emptyLocalPart:
            "Add the part before the @, like name@example.com."
        case .localPartTooLong:
            "The part before the @ is too long."
        case .invalidLocalPart:
            "The part before the @ can't start or end with a dot, or have two dots in a row."
        case .invalidDomain:
            "The part after the @ should be a domain like example.com."
        }
    }
}
