import Core
import Foundation

/// A provider's base URL, checked once when a client is built (see `ServiceBaseURL`:
/// plain http only on loopback, so a typo in configuration cannot send credentials in
/// clear text).
struct ProviderEndpoint: Sendable {
    private let base: String

    init(_ baseURL: String) throws(DeliveryError) {
        do {
            base = try ServiceBaseURL(baseURL).text
        } catch {
            throw .misconfigured(error.message)
        }
    }

    func url(_ path: String) -> String { base + path }
}

enum Validate {
    /// A credential goes into a header: printable ASCII without spaces, so it cannot split or inject headers.
    static func credential(_ value: String, _ what: String) throws(DeliveryError) {
        guard !value.isEmpty, value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .misconfigured("\(what) is missing or contains invalid characters")
        }
    }

    static func sender(_ value: String) throws(DeliveryError) {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty,
            !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { throw .misconfigured("sender is missing or contains control characters") }
    }

    /// One plain address. Postmark reads `To` as a comma-separated list, so a lenient check upstream could turn
    /// one sign-in mail into two; callers validate first, this is the last line.
    static func emailRecipient(_ address: String) throws(DeliveryError) {
        let forbidden = Set(",;<>()[]\\\":".unicodeScalars)
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            !address.unicodeScalars.contains(where: {
                forbidden.contains($0) || $0.properties.isWhitespace || $0.properties.generalCategory == .control
            })
        else { throw .misconfigured("recipient is not a single email address") }
    }

    /// `+` then 2 to 15 digits, the first not 0.
    static func e164(_ number: String) throws(DeliveryError) {
        let digits = number.utf8.dropFirst()
        guard number.utf8.first == UInt8(ascii: "+"), (2...15).contains(digits.count),
            digits.first != UInt8(ascii: "0"),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { throw .misconfigured("recipient is not an E.164 phone number") }
    }
}
