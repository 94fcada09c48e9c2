import Foundation
import NIOCore

enum ProviderCoding {
    /// Sent with every request; Resend refuses requests without a User-Agent.
    static let userAgent = "BuildMyMCPServer"

    static func json(_ value: some Encodable) throws(DeliveryError) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return ByteBuffer(bytes: try encoder.encode(value))
        } catch {
            throw .misconfigured("message could not be encoded as JSON")
        }
    }

    /// A response body we could not parse (or that was cut at the size limit) reads as nil, never as an error.
    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8]) -> T? {
        try? JSONDecoder().decode(type, from: Data(body))
    }

    /// `application/x-www-form-urlencoded` with everything but RFC 3986 unreserved characters percent-encoded,
    /// so the `+` of an E.164 number is sent as `%2B` and not read back as a space.
    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let encoded = fields.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
        return ByteBuffer(string: encoded)
    }

    static func percentEncoded(_ value: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
