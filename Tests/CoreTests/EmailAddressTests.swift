import Core
import Testing

private let longestLocalPart = String(repeating: "a", count: 64)
private let tooLongLocalPart = String(repeating: "a", count: 65)
private let tooLongLabel = String(repeating: "b", count: 64)
/// 60 + 1 + 3 × 63 + 2 dots + ".com" = 256 bytes.
private let tooLongAddress = String(repeating: "a", count: 60) + "@"
    + Array(repeating: String(repeating: "b", count: 63), count: 3).joined(separator: ".") + ".com"

private let validCases: [(String, String)] = [
    ("john@example.com", "john@example.com"),
    ("  John.Doe@Example.COM \n", "John.Doe@example.com"),
    ("a+tag@sub.example.co.uk", "a+tag@sub.example.co.uk"),
    ("o'brien@example.ie", "o'brien@example.ie"),
    ("first_last-1@my-domain.io", "first_last-1@my-domain.io"),
    ("a@b.co", "a@b.co"),
    ("x@xn--mller-kva.de", "x@xn--mller-kva.de"),
    ("user@example.xn--p1ai", "user@example.xn--p1ai"),
    ("user@123.example.com", "user@123.example.com"),
    (longestLocalPart + "@example.com", longestLocalPart + "@example.com"),
]

private let invalidCases: [(String, EmailAddressError.Reason)] = [
    ("", .empty),
    ("  \t ", .empty),
    (tooLongAddress, .tooLong),
    ("john doe@example.com", .invalidCharacters),
    ("john@exa mple.com", .invalidCharacters),
    ("john\u{0}@example.com", .invalidCharacters),
    ("john\n@example.com", .invalidCharacters),
    ("jo\u{200B}hn@example.com", .invalidCharacters),
    ("jürgen@example.de", .invalidCharacters),
    ("\"john\"@example.com", .invalidCharacters),
    ("a,b@example.com", .invalidCharacters),
    ("<john@example.com>", .invalidCharacters),
    ("john.example.com", .missingAt),
    ("john@@example.com", .multipleAt),
    ("a@b@example.com", .multipleAt),
    ("@example.com", .emptyLocalPart),
    (tooLongLocalPart + "@example.com", .localPartTooLong),
    (".john@example.com", .invalidLocalPart),
    ("john.@example.com", .invalidLocalPart),
    ("jo..hn@example.com", .invalidLocalPart),
    ("john@", .invalidDomain),
    ("john@localhost", .invalidDomain),
    ("john@example.c", .invalidDomain),
    ("john@example.123", .invalidDomain),
    ("john@-example.com", .invalidDomain),
    ("john@example-.com", .invalidDomain),
    ("john@example..com", .invalidDomain),
    ("john@.example.com", .invalidDomain),
    ("john@example.com.", .invalidDomain),
    ("john@exa_mple.com", .invalidDomain),
    ("john@[127.0.0.1]", .invalidDomain),
    ("john@müller.de", .invalidDomain),
    ("john@" + tooLongLabel + ".com", .invalidDomain),
]

@Suite("Email addresses")
struct EmailAddressTests {
    @Test("valid addresses are trimmed and their domain lower-cased", arguments: validCases)
    func parsesValid(input: String, expected: String) throws {
        // given an address as typed
        // when it is parsed
        let email = try EmailAddress.parse(input)
        // then the stored value keeps the local part and lower-cases the domain
        #expect(email.value == expected)
    }

    @Test("invalid addresses name what is wrong", arguments: invalidCases)
    func rejectsInvalid(input: String, reason: EmailAddressError.Reason) {
        // given a malformed address
        // when it is parsed
        // then the specific reason is reported
        #expect(throws: EmailAddressError.invalid(reason)) { try EmailAddress.parse(input) }
    }

    @Test("case differences are one address: equal, same hash, same normalized form")
    func caseInsensitiveEquality() throws {
        // given the same address typed in two cases
        let typed = try EmailAddress.parse("Ann.Muster@Example.ch")
        let lower = try EmailAddress.parse("ann.muster@example.ch")
        // then the value keeps the case typed, but they compare as one
        #expect(typed.value == "Ann.Muster@example.ch")
        #expect(typed.normalized == "ann.muster@example.ch")
        #expect(typed == lower)
        #expect(Set([typed, lower]).count == 1)
    }

    @Test("local part and domain split at the @")
    func parts() throws {
        let email = try EmailAddress.parse("John@Example.com")
        #expect(email.localPart == "John")
        #expect(email.domain == "example.com")
    }

    @Test("masked shows the first character and the domain only", arguments: [
        ("john@example.com", "j•••@example.com"),
        ("a@b.co", "a•••@b.co"),
        ("Very.Long.Name@Example.com", "V•••@example.com"),
    ])
    func masked(input: String, expected: String) throws {
        // given a valid address
        let email = try EmailAddress.parse(input)
        // when it is masked
        // then the local part's length is not revealed
        #expect(email.masked == expected)
    }

    @Test("every reason maps to invalid_email with a friendly message")
    func messages() {
        for reason in EmailAddressError.Reason.allCases {
            // given an error for each reason
            let error = EmailAddressError.invalid(reason)
            // then the API code is shared and the message is a sentence
            #expect(error.code == "invalid_email")
            #expect(error.reason == reason)
            #expect(error.message.hasSuffix("."), "\(reason)")
        }
    }
}
