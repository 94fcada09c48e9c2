import Foundation
import Testing
import Templating

@Suite("Template encoder")
struct TemplateEncoderTests {
    struct Inner: Encodable {
        let name: String
    }

    struct Optionals: Encodable {
        let string: String?
        let int: Int?
        let bool: Bool?
        let double: Double?
        let float: Float?
        let int64: Int64?
        let uint8: UInt8?
        let list: [String]?
        let inner: Inner?
    }

    @Test("a nil optional of any type is kept as null, not left out")
    func nilIsPresent() throws {
        // given
        let value = Optionals(string: nil, int: nil, bool: nil, double: nil, float: nil, int64: nil, uint8: nil, list: nil, inner: nil)
        // when
        let encoded = try TemplateEncoder.encode(value)
        // then
        let names = ["string", "int", "bool", "double", "float", "int64", "uint8", "list", "inner"]
        #expect(encoded == .object(Dictionary(uniqueKeysWithValues: names.map { ($0, TemplateValue.null) })))
    }

    @Test("present optionals and every number type encode to their values")
    func values() throws {
        // given
        let value = Optionals(string: "s", int: 1, bool: true, double: 2.5, float: 0.5, int64: 64, uint8: 8, list: ["a"], inner: Inner(name: "n"))
        // when
        let encoded = try TemplateEncoder.encode(value)
        // then
        #expect(encoded == .object([
            "string": .string("s"), "int": .int(1), "bool": .bool(true), "double": .double(2.5), "float": .double(0.5),
            "int64": .int(64), "uint8": .int(8), "list": .array([.string("a")]), "inner": .object(["name": .string("n")]),
        ]))
    }

    @Test("numbers at the top level and in lists, including ones Int cannot hold", arguments: [
        (try! TemplateEncoder.encode(Float(1.25)), TemplateValue.double(1.25)),
        (try! TemplateEncoder.encode([Int32(1), Int32(-2)]), .array([.int(1), .int(-2)])),
        (try! TemplateEncoder.encode(UInt64.max), .double(Double(UInt64.max))),
        (try! TemplateEncoder.encode([String?.none, "x"]), .array([.null, .string("x")])),
    ])
    func numbers(encoded: TemplateValue, expected: TemplateValue) {
        #expect(encoded == expected)
    }
}
