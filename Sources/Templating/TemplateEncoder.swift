/// Turns an `Encodable` view model into a `TemplateValue` tree.
///
/// A `nil` optional is kept as an explicit `null` field (synthesized `Encodable`
/// calls `encodeIfPresent`, which other encoders skip), so strict rendering can tell
/// "present but nil" (prints nothing, false in `#if`) from "no such field" (an error).
public enum TemplateEncoder {
    public static func encode<T: Encodable>(_ value: T) throws -> TemplateValue {
        try EncodingNode.encode(value).resolve()
    }
}

/// The tree under construction. Containers hand out child nodes and keep writing
/// into them, so nested containers work like in any other encoder.
final class EncodingNode {
    var scalar: TemplateValue = .null
    var fields: [String: EncodingNode]?
    var items: [EncodingNode]?

    init(_ scalar: TemplateValue = .null) {
        self.scalar = scalar
    }

    static func encode<T: Encodable>(_ value: T) throws -> EncodingNode {
        switch value {
        case let string as String: return EncodingNode(.string(string))
        case let bool as Bool: return EncodingNode(.bool(bool))
        case let int as Int: return EncodingNode(.int(int))
        case let double as Double: return EncodingNode(.double(double))
        // Every other number type, which would otherwise come back here through
        // `singleValueContainer().encode(_:)` for ever.
        case let integer as any BinaryInteger: return EncodingNode(Int(exactly: integer).map(TemplateValue.int) ?? .double(Double(integer)))
        case let float as any BinaryFloatingPoint: return EncodingNode(.double(Double(float)))
        default:
            let node = EncodingNode()
            try value.encode(to: NodeEncoder(node: node))
            return node
        }
    }

    func resolve() -> TemplateValue {
        if let fields { return .object(fields.mapValues { $0.resolve() }) }
        if let items { return .array(items.map { $0.resolve() }) }
        return scalar
    }

    func keyed() -> EncodingNode {
        if fields == nil { fields = [:] }
        return self
    }

    func unkeyed() -> EncodingNode {
        if items == nil { items = [] }
        return self
    }
}

struct NodeEncoder: Encoder {
    let node: EncodingNode
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(node: node.keyed()))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(node: node.unkeyed())
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(node: node)
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    var codingPath: [any CodingKey] { [] }

    private func set(_ child: EncodingNode, _ key: Key) { node.fields![key.stringValue] = child }

    mutating func encodeNil(forKey key: Key) { set(EncodingNode(), key) }
    mutating func encode(_ value: Bool, forKey key: Key) { set(EncodingNode(.bool(value)), key) }
    mutating func encode(_ value: String, forKey key: Key) { set(EncodingNode(.string(value)), key) }
    mutating func encode(_ value: Int, forKey key: Key) { set(EncodingNode(.int(value)), key) }
    mutating func encode(_ value: Double, forKey key: Key) { set(EncodingNode(.double(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { set(try EncodingNode.encode(value), key) }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try setOptional(value, key) }
    // The standard library's own overloads for these types skip `nil`; a generic
    // witness does not replace them, so each one is spelled out.
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try setOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try setOptional(value, key) }

    private func setOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
        set(try value.map { try EncodingNode.encode($0) } ?? EncodingNode(), key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode().keyed()
        set(child, key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode().unkeyed()
        set(child, key)
        return UnkeyedContainer(node: child)
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        let child = EncodingNode()
        set(child, key)
        return NodeEncoder(node: child)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    var codingPath: [any CodingKey] { [] }
    var count: Int { node.items!.count }

    private func append(_ child: EncodingNode) { node.items!.append(child) }

    mutating func encodeNil() { append(EncodingNode()) }
    mutating func encode(_ value: String) { append(EncodingNode(.string(value))) }
    mutating func encode(_ value: Bool) { append(EncodingNode(.bool(value))) }
    mutating func encode(_ value: Int) { append(EncodingNode(.int(value))) }
    mutating func encode<T: Encodable>(_ value: T) throws { append(try EncodingNode.encode(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = EncodingNode().keyed()
        append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = EncodingNode().unkeyed()
        append(child)
        return UnkeyedContainer(node: child)
    }

    mutating func superEncoder() -> any Encoder {
        let child = EncodingNode()
        append(child)
        return NodeEncoder(node: child)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    var codingPath: [any CodingKey] { [] }

    mutating func encodeNil() { node.scalar = .null }
    mutating func encode(_ value: Bool) { node.scalar = .bool(value) }
    mutating func encode(_ value: String) { node.scalar = .string(value) }
    mutating func encode(_ value: Int) { node.scalar = .int(value) }
    mutating func encode(_ value: Double) { node.scalar = .double(value) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        let encoded = try EncodingNode.encode(value)
        node.scalar = encoded.scalar
        node.fields = encoded.fields
        node.items = encoded.items
    }
}
