/// A JSON document as a value. Specs carry JSON Schemas and tool results carry
/// arbitrary JSON, so Core needs one lossless representation that round-trips
/// through Codable without Foundation's `Any`.
public enum JSONValue: Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The JSON Schema type name of this value ("integer" for whole numbers).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        // JSON Schema's integer is any number without a fraction, however large (1e20 is one, as in JavaScript).
        case .number(let number): number.isFinite && number.rounded() == number ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// Equal as JSON values: strings and member names compare by their code points, as JSON Schema's equality and
/// JavaScript's `===` do. Swift's own `String` equality also takes canonically equivalent spellings for one
/// ("é" and "e\u{301}"), which let a value outside an `enum` pass and a `required` name be met by another key.
extension JSONValue: Hashable {
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): left.hasSameScalars(as: right)
        case (.array(let left), .array(let right)): left == right
        case (.object(let left), .object(let right)):
            left.count == right.count && left.allSatisfy { key, value in
                guard let index = right.exactIndex(forKey: key) else { return false }
                return right.values[index] == value
            }
        default: false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let flag): hasher.combine(flag)
        case .number(let number): hasher.combine(number)
        case .string(let text): hasher.combine(text.hashingScalars)
        case .array(let items): hasher.combine(items)
        case .object(let members):
            // Members in any order hash alike: each is hashed alone and the results summed.
            var sum = 0
            for (key, value) in members {
                var member = Hasher()
                member.combine(key.hashingScalars)
                member.combine(value)
                sum &+= member.finalize()
            }
            hasher.combine(members.count)
            hasher.combine(sum)
        }
    }
}

extension String {
    /// Whether the two are the same code points (not merely canonically equivalent, as `==` says).
    public func hasSameScalars(as other: String) -> Bool {
        utf8.elementsEqual(other.utf8)
    }

    /// Hashes the code points, for a hash that agrees with `hasSameScalars(as:)`.
    fileprivate var hashingScalars: ScalarHash { ScalarHash(text: self) }
}

private struct ScalarHash: Hashable {
    let text: String
    static func == (lhs: ScalarHash, rhs: ScalarHash) -> Bool { lhs.text.hasSameScalars(as: rhs.text) }
    func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
        hasher.combine(0xFF as UInt8)
    }
}

extension Dictionary where Key == String {
    /// The index of the member named exactly `key`, code point for code point. A Swift dictionary finds a
    /// canonically equivalent key too ("e\u{301}" for "é"), which is not the same JSON member name.
    public func exactIndex(forKey key: String) -> Index? {
        guard let index = index(forKey: key), self[index].key.hasSameScalars(as: key) else { return nil }
        return index
    }

    /// The value of the member named exactly `key` (see `exactIndex(forKey:)`).
    public func exactValue(forKey key: String) -> Value? {
        exactIndex(forKey: key).map { self[$0].value }
    }
}

extension Double {
    /// Whole numbers that JSON consumers read back exactly (±2^53).
    public var isWholeNumberInJSONRange: Bool {
        isFinite && rounded() == self && abs(self) <= 9_007_199_254_740_992
    }
}

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONValue].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number):
            // Whole numbers are written without a fraction so `1` stays `1`.
            if number.isWholeNumberInJSONRange {
                try container.encode(Int64(number))
            } else {
                try container.encode(number)
            }
        case .string(let text): try container.encode(text)
        case .array(let items): try container.encode(items)
        case .object(let members): try container.encode(members)
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}
