/// A phone number in strict E.164 form (`+41791234567`): the only form that is stored,
/// compared and sent to the SMS provider. There is no public initialiser, so holding a
/// `PhoneNumber` means the text passed `parse` or `from`.
public struct PhoneNumber: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let e164: String

    private init(e164: String) {
        self.e164 = e164
    }

    public var description: String { e164 }

    /// Digits only, e.g. "41".
    public var callingCode: String {
        DialCodes.callingCode(prefixing: e164.dropFirst()) ?? ""
    }

    /// The national significant number, e.g. "791234567".
    public var nationalNumber: String {
        String(e164.dropFirst(1 + callingCode.count))
    }

    /// For logs and the UI: enough to recognise the number, not enough to use it.
    public var masked: String {
        let national = nationalNumber
        let visible = national.suffix(2)
        let hidden = String(repeating: "•", count: national.count - visible.count)
        return "+" + callingCode + hidden + visible
    }

    /// A full international number, starting with `+` or `00`. Spaces, dashes, dots and
    /// parentheses are ignored, and a trunk `0` written after the calling code
    /// (`+41 (0)79 …`) is dropped, except for Italy where that 0 belongs to the number.
    public static func parse(_ text: String) throws(PhoneNumberError) -> PhoneNumber {
        let scanned = try scan(text)
        if scanned.hasPlus { return try international(scanned.digits[...]) }
        guard scanned.digits.hasPrefix("00") else { throw .unknownCallingCode }
        return try international(scanned.digits.dropFirst(2))
    }

    /// The sign-in form's country select plus national-number field. One leading trunk
    /// `0` is dropped (`079 123 45 67` in CH), except for Italy. A national field that
    /// already holds an international number (`+…` or `00…`) is read as one.
    public static func from(country: String, national: String) throws(PhoneNumberError) -> PhoneNumber {
        guard let dialCode = DialCodes.dialCode(forCountry: country) else { throw .unknownCountry }
        let scanned = try scan(national)
        if scanned.hasPlus { return try international(scanned.digits[...]) }
        if scanned.digits.hasPrefix("00") { return try international(scanned.digits.dropFirst(2)) }
        return try validated(callingCode: dialCode.callingCode, countries: [dialCode], national: scanned.digits[...])
    }

    private static let e164DigitCount = 8...15
    /// No honest phone number needs more; stops work on pasted novels early.
    private static let maxInputBytes = 64
    private static let countriesKeepingLeadingZero: Set<String> = ["IT"]
    private static let separators: Set<Unicode.Scalar> = [
        " ", "\u{00A0}", "\u{2007}", "\u{2009}", "\u{202F}",
        "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}",
        ".", "(", ")",
    ]

    private static func scan(_ text: String) throws(PhoneNumberError) -> (hasPlus: Bool, digits: String) {
        let trimmed = trimmingWhitespace(text)
        guard !trimmed.isEmpty else { throw .empty }
        guard trimmed.utf8.count <= maxInputBytes else { throw .tooLong }
        var hasPlus = false
        var digits = String.UnicodeScalarView()
        for scalar in trimmed.unicodeScalars {
            switch scalar {
            case "0"..."9":
                digits.append(scalar)
            case "+" where !hasPlus && digits.isEmpty:
                hasPlus = true
            case _ where separators.contains(scalar):
                continue
            default:
                throw .invalidCharacters
            }
        }
        guard !digits.isEmpty else { throw .empty }
        return (hasPlus, String(digits))
    }

    private static func trimmingWhitespace(_ text: String) -> Substring {
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        let end = text.lastIndex { !$0.isWhitespace }.map(text.index(after:)) ?? start
        return text[start..<end]
    }

    /// `digits` follow the international prefix: calling code, then national number.
    private static func international(_ digits: Substring) throws(PhoneNumberError) -> PhoneNumber {
        guard digits.first != "0", let callingCode = DialCodes.callingCode(prefixing: digits) else {
            throw .unknownCallingCode
        }
        return try validated(
            callingCode: callingCode,
            countries: DialCodes.dialCodes(forCallingCode: callingCode),
            national: digits.dropFirst(callingCode.count)
        )
    }

    private static func validated(
        callingCode: String,
        countries: [DialCode],
        national: Substring
    ) throws(PhoneNumberError) -> PhoneNumber {
        let keepsLeadingZero = countries.contains { countriesKeepingLeadingZero.contains($0.countryCode) }
        var national = national
        if !keepsLeadingZero, national.first == "0" { national = national.dropFirst() }
        // Countries sharing a calling code (US/CA, RU/KZ) are checked against their union.
        let shortest = countries.map(\.nationalNumberLengths.lowerBound).min() ?? 0
        let longest = countries.map(\.nationalNumberLengths.upperBound).max() ?? 0
        guard national.count >= shortest, callingCode.count + national.count >= e164DigitCount.lowerBound else {
            throw .tooShort
        }
        guard national.count <= longest, callingCode.count + national.count <= e164DigitCount.upperBound else {
            throw .tooLong
        }
        // A second 0 is an extra digit, not a trunk prefix: "+41 0079…" would otherwise pass in
        // countries with wide length ranges.
        guard keepsLeadingZero || national.first != "0" else { throw .tooLong }
        return PhoneNumber(e164: "+" + callingCode + national)
    }
}

public enum PhoneNumberError: Error, Equatable, Sendable {
    case empty, invalidCharacters, unknownCountry, unknownCallingCode, tooShort, tooLong

    /// The JSON API's `error` field; `message` says which part was wrong.
    public var code: String { "invalid_phone" }

    public var message: String {
        switch self {
        case .empty:
            "Please enter your phone number."
        case .invalidCharacters:
            "A phone number can only contain digits, spaces, dashes, dots, parentheses and a leading +."
        case .unknownCountry:
            "Please choose your country from the list."
        case .unknownCallingCode:
            "We don't recognise that country code. Start with + and the country code, for example +41 for Switzerland."
        case .tooShort:
            "That number looks too short."
        case .tooLong:
            "That number looks too long."
        }
    }

    /// Like `message`, naming the country picked in the form ("… too short for Switzerland.").
    public func message(forCountry country: String) -> String {
        guard let name = DialCodes.dialCode(forCountry: country)?.name else { return message }
        switch self {
        case .tooShort: return "That number looks too short for \(name)."
        case .tooLong: return "That number looks too long for \(name)."
        default: return message
        }
    }
}
