/// A request parameter the way Stripe reads form bodies: scalars, lists and nested hashes.
///
/// Literals keep their source order (a dictionary literal is a list of pairs here, not a `Dictionary`), so the same
/// parameters always encode to the same bytes.
public indirect enum FormValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case list([FormValue])
    case hash([(String, FormValue)])

    public static func == (lhs: FormValue, rhs: FormValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.integer(let a), .integer(let b)): a == b
        case (.boolean(let a), .boolean(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.hash(let a), .hash(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }
}

extension FormValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(arrayLiteral elements: FormValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, FormValue)...) { self = .hash(elements) }
}

/// Stripe's `application/x-www-form-urlencoded` bodies and query strings.
///
/// Nested hashes become `a[b][c]=v`, lists are indexed (`line_items[0][price]=…`, as stripe-python and stripe-node
/// send them), booleans are `true`/`false`. Keys and values are percent-encoded as the WHATWG URL standard's
/// urlencoded serializer does (space as `+`), except that `[` and `]` stay literal in keys, as stripe-node sends
/// them, so a request reads like Stripe's documentation. Keys keep the caller's order.
public enum FormEncoder {
    /// The flattened `(key, value)` pairs in order, not yet percent-encoded.
    public static func pairs(_ parameters: [(String, FormValue)]) -> [(String, String)] {
        var out: [(String, String)] = []
        for (key, value) in parameters { flatten(value, key: key, into: &out) }
        return out
    }

    public static func encode(_ parameters: [(String, FormValue)]) -> String {
        pairs(parameters)
            .map { percentEncoded($0.0, keepingBrackets: true) + "=" + percentEncoded($0.1, keepingBrackets: false) }
            .joined(separator: "&")
    }

    public static func encode(_ parameters: FormValue) -> String {
        guard case .hash(let fields) = parameters else { return "" }
        return encode(fields)
    }

    private static func flatten(_ value: FormValue, key: String, into out: inout [(String, String)]) {
        switch value {
        case .string(let text): out.append((key, text))
        case .integer(let number): out.append((key, String(number)))
        case .boolean(let flag): out.append((key, flag ? "true" : "false"))
        case .list(let elements):
            for (index, element) in elements.enumerated() { flatten(element, key: "\(key)[\(index)]", into: &out) }
        case .hash(let fields):
            for (name, element) in fields { flatten(element, key: "\(key)[\(name)]", into: &out) }
        }
    }

    /// The WHATWG urlencoded byte serializer: `*-._`, ASCII letters and digits as is, space as `+`, every other byte
    /// of the UTF-8 encoding as `%XX`.
    static func percentEncoded(_ text: String, keepingBrackets: Bool) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "*"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"):
                out.append(byte)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            case UInt8(ascii: "["), UInt8(ascii: "]"):
                // A `where` clause would guard only the last pattern of the list.
                if keepingBrackets {
                    out.append(byte)
                } else {
                    out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
