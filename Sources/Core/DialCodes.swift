/// One entry of the country select on the sign-in page, and the rule the server
/// uses to check a number for that country.
public struct DialCode: Sendable, Equatable {
    /// ISO 3166-1 alpha-2, e.g. "CH".
    public let countryCode: String
    /// English short name, e.g. "Switzerland".
    public let name: String
    /// Digits only, e.g. "41". Several countries may share one (US and CA share "1").
    public let callingCode: String
    /// Regional-indicator flag, derived from `countryCode` so it can never disagree with it.
    public let flag: String
    /// Digits of the national significant number, without the trunk prefix. Deliberately
    /// generous where a country mixes lengths: the SMS provider is the final judge, this
    /// only has to catch typos before we pay for a message.
    public let nationalNumberLengths: ClosedRange<Int>

    init(_ countryCode: String, _ name: String, _ callingCode: String, _ lengths: ClosedRange<Int>) {
        self.countryCode = countryCode
        self.name = name
        self.callingCode = callingCode
        self.flag = Self.flag(for: countryCode)
        self.nationalNumberLengths = lengths
    }

    private static func flag(for countryCode: String) -> String {
        let regionalIndicatorA: UInt32 = 0x1F1E6
        var scalars = String.UnicodeScalarView()
        for letter in countryCode.unicodeScalars {
            guard let scalar = Unicode.Scalar(regionalIndicatorA + letter.value - 65) else { continue }
            scalars.append(scalar)
        }
        return String(scalars)
    }
}

public enum DialCodes {
    public static let defaultCountry = "CH"

    /// Sorted by name, the order the select shows them in.
    public static let all: [DialCode] = [
        DialCode("AL", "Albania", "355", 8...9),
        DialCode("DZ", "Algeria", "213", 8...9),
        DialCode("AD", "Andorra", "376", 6...9),
        DialCode("AR", "Argentina", "54", 10...11),
        DialCode("AM", "Armenia", "374", 8...8),
        DialCode("AU", "Australia", "61", 9...9),
        DialCode("AT", "Austria", "43", 6...13),
        DialCode("AZ", "Azerbaijan", "994", 9...9),
        DialCode("BH", "Bahrain", "973", 8...8),
        DialCode("BD", "Bangladesh", "880", 6...10),
        DialCode("BY", "Belarus", "375", 9...9),
        DialCode("BE", "Belgium", "32", 8...9),
        DialCode("BO", "Bolivia", "591", 8...8),
        DialCode("BA", "Bosnia and Herzegovina", "387", 8...9),
        DialCode("BR", "Brazil", "55", 10...11),
        DialCode("BG", "Bulgaria", "359", 7...9),
        DialCode("CM", "Cameroon", "237", 9...9),
        DialCode("CA", "Canada", "1", 10...10),
        DialCode("CL", "Chile", "56", 9...9),
        DialCode("CN", "China", "86", 9...12),
        DialCode("CO", "Colombia", "57", 8...10),
        DialCode("CR", "Costa Rica", "506", 8...8),
        DialCode("HR", "Croatia", "385", 8...9),
        DialCode("CY", "Cyprus", "357", 8...8),
        DialCode("CZ", "Czechia", "420", 9...9),
        DialCode("DK", "Denmark", "45", 8...8),
        DialCode("EC", "Ecuador", "593", 8...9),
        DialCode("EG", "Egypt", "20", 8...10),
        DialCode("EE", "Estonia", "372", 7...8),
        DialCode("ET", "Ethiopia", "251", 9...9),
        DialCode("FI", "Finland", "358", 6...12),
        DialCode("FR", "France", "33", 9...9),
        DialCode("GE", "Georgia", "995", 9...9),
        DialCode("DE", "Germany", "49", 6...13),
        DialCode("GH", "Ghana", "233", 9...9),
        DialCode("GR", "Greece", "30", 10...10),
        DialCode("GT", "Guatemala", "502", 8...8),
        DialCode("HK", "Hong Kong", "852", 8...8),
        DialCode("HU", "Hungary", "36", 8...9),
        DialCode("IS", "Iceland", "354", 7...9),
        DialCode("IN", "India", "91", 10...10),
        DialCode("ID", "Indonesia", "62", 8...12),
        DialCode("IE", "Ireland", "353", 7...9),
        DialCode("IL", "Israel", "972", 8...9),
        DialCode("IT", "Italy", "39", 6...11),
        DialCode("JP", "Japan", "81", 9...10),
        DialCode("JO", "Jordan", "962", 8...9),
        DialCode("KZ", "Kazakhstan", "7", 10...10),
        DialCode("KE", "Kenya", "254", 8...10),
        DialCode("KW", "Kuwait", "965", 8...8),
        DialCode("LV", "Latvia", "371", 8...8),
        DialCode("LB", "Lebanon", "961", 7...8),
        DialCode("LI", "Liechtenstein", "423", 7...9),
        DialCode("LT", "Lithuania", "370", 8...8),
        DialCode("LU", "Luxembourg", "352", 6...11),
        DialCode("MY", "Malaysia", "60", 8...10),
        DialCode("MT", "Malta", "356", 8...8),
        DialCode("MX", "Mexico", "52", 10...10),
        DialCode("MD", "Moldova", "373", 8...8),
        DialCode("MC", "Monaco", "377", 8...9),
        DialCode("ME", "Montenegro", "382", 8...8),
        DialCode("MA", "Morocco", "212", 9...9),
        DialCode("NP", "Nepal", "977", 8...10),
        DialCode("NL", "Netherlands", "31", 9...9),
        DialCode("NZ", "New Zealand", "64", 8...10),
        DialCode("NG", "Nigeria", "234", 7...10),
        DialCode("MK", "North Macedonia", "389", 8...8),
        DialCode("NO", "Norway", "47", 8...8),
        DialCode("OM", "Oman", "968", 8...8),
        DialCode("PK", "Pakistan", "92", 8...10),
        DialCode("PA", "Panama", "507", 7...8),
        DialCode("PY", "Paraguay", "595", 8...9),
        DialCode("PE", "Peru", "51", 8...9),
        DialCode("PH", "Philippines", "63", 8...10),
        DialCode("PL", "Poland", "48", 9...9),
        DialCode("PT", "Portugal", "351", 9...9),
        DialCode("QA", "Qatar", "974", 8...8),
        DialCode("RO", "Romania", "40", 9...9),
        DialCode("RU", "Russia", "7", 10...10),
        DialCode("SA", "Saudi Arabia", "966", 8...9),
        DialCode("SN", "Senegal", "221", 9...9),
        DialCode("RS", "Serbia", "381", 6...12),
        DialCode("SG", "Singapore", "65", 8...8),
        DialCode("SK", "Slovakia", "421", 9...9),
        DialCode("SI", "Slovenia", "386", 8...8),
        DialCode("ZA", "South Africa", "27", 9...9),
        DialCode("KR", "South Korea", "82", 8...11),
        DialCode("ES", "Spain", "34", 9...9),
        DialCode("LK", "Sri Lanka", "94", 9...9),
        DialCode("SE", "Sweden", "46", 6...12),
        DialCode("CH", "Switzerland", "41", 9...9),
        DialCode("TW", "Taiwan", "886", 8...9),
        DialCode("TZ", "Tanzania", "255", 9...9),
        DialCode("TH", "Thailand", "66", 8...9),
        DialCode("TN", "Tunisia", "216", 8...8),
        DialCode("TR", "Türkiye", "90", 10...10),
        DialCode("UG", "Uganda", "256", 9...9),
        DialCode("UA", "Ukraine", "380", 9...9),
        DialCode("AE", "United Arab Emirates", "971", 8...9),
        DialCode("GB", "United Kingdom", "44", 9...10),
        DialCode("US", "United States", "1", 10...10),
        DialCode("UY", "Uruguay", "598", 8...8),
        DialCode("VE", "Venezuela", "58", 10...10),
        DialCode("VN", "Vietnam", "84", 9...10),
    ]

    /// Case-insensitive; "UK" is accepted for GB because people (and the brief) write it.
    public static func dialCode(forCountry country: String) -> DialCode? {
        let key = country.uppercased()
        return byCountry[key == "UK" ? "GB" : key]
    }

    /// Every country using `callingCode` (digits only), in table order; `[]` when unknown.
    public static func dialCodes(forCallingCode callingCode: String) -> [DialCode] {
        byCallingCode[callingCode] ?? []
    }

    /// The calling code `digits` starts with. ITU calling codes are prefix-free, so the
    /// longest match is the only match; trying longest first keeps that true even if
    /// the table ever holds a code that is a prefix of another.
    static func callingCode(prefixing digits: Substring) -> String? {
        for length in stride(from: min(maxCallingCodeLength, digits.count), through: 1, by: -1) {
            let candidate = String(digits.prefix(length))
            if byCallingCode[candidate] != nil { return candidate }
        }
        return nil
    }

    private static let byCountry: [String: DialCode] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.countryCode, $0) }
    )

    private static let byCallingCode: [String: [DialCode]] = Dictionary(grouping: all, by: \.callingCode)

    private static let maxCallingCodeLength = all.map(\.callingCode.count).max() ?? 0
}
