import Core
import Foundation
import Testing

/// The hand-written JSON reader and writer must agree with the standard: everything
/// Foundation's decoder reads they read the same, everything they refuse is not JSON.
@Suite struct JSONTextTests {
    static let valid: [String] = [
        #"null"#, #"true"#, #"false"#, #"0"#, #"-0"#, #"1"#, #"-12"#, #"3.25"#, #"1e3"#, #"1E-7"#, #"-2.5e+10"#,
        #"9007199254740993"#, #"1.7976931348623157e308"#, #"5e-324"#,
        #""""#, #""plain""#, #""quote \" backslash \\ slash \/""#, #""\b\f\n\r\t""#, #""\u0000\u001f\u00e9\u20ac""#,
        #""\ud83d\ude00 and 😀""#, #""grüße, 日本""#,
        #"[]"#, #"{}"#, #" [ 1 , [ ] , { } ] "#, "\n\t{\"a\"\r: 1}\n",
        #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2.5}}}"#,
        #"{"nested":{"deeper":{"list":[1,"two",null,false,{"x":[]}]}}}"#,
        #"{"dup":1,"dup":2}"#,
    ]

    static let invalid: [(String, String)] = [
        ("", "empty"), (" ", "only whitespace"), ("[1,]", "trailing comma in an array"), (#"{"a":1,}"#, "trailing comma in an object"),
        ("01", "leading zero"), ("-01", "negative leading zero"), ("1.", "fraction without digits"), (".5", "no integer part"),
        ("+1", "plus sign"), ("1e", "empty exponent"), ("NaN", "NaN"), ("Infinity", "Infinity"), ("1e400", "out of range"),
        ("'a'", "single quotes"), (#"{a:1}"#, "unquoted name"), (#""\x41""#, "unknown escape"), (#""\u12""#, "short unicode escape"),
        (#""\ud800""#, "lone high surrogate"), (#""\udc00""#, "lone low surrogate"), (#""\ud800\u0041""#, "high surrogate then non-low"),
        ("\"a\u{01}b\"", "raw control character"), ("\"abc", "unterminated string"), ("[1 2]", "missing comma"),
        ("1 2", "two values"), ("[1]x", "text after the value"), ("tru", "cut literal"), ("nul", "cut null"),
        (#"{"a" 1}"#, "missing colon"), ("[", "open array"), ("{", "open object"), ("/* c */ 1", "comment"),
    ]

    @Test("reads every valid document exactly as Foundation's decoder does", arguments: valid)
    func readsLikeFoundation(text: String) throws {
        let ours = try JSONValue.parse(text)
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
    }

    @Test("refuses what is not JSON, saying where", arguments: invalid)
    func refusesNonJSON(text: String, why: String) {
        #expect(throws: JSONParseError.self, "\(why)") { try JSONValue.parse(text) }
    }

    @Test func refusesInvalidUTF8AndDeepNesting() throws {
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let error = try #require(throws: JSONParseError.self) { try JSONValue.parse(deep) }
        #expect(error.reason.contains("512"))
        #expect(try JSONValue.parse(String(repeating: "[", count: 512) + String(repeating: "]", count: 512)) != .null)
        let offending = try #require(throws: JSONParseError.self) { try JSONValue.parse("[1, 2, x]") }
        #expect(offending.offset == 7)
    }

    @Test func writesCompactSortedEscapedText() {
        let value: JSONValue = ["b": [1, 2.5, "x\n\"q\"\\/", true, .null], "a": ["é": -3, "Z": 0.1], "c": .string("\u{01}\u{7f}")]
        #expect(value.compactText == #"{"a":{"Z":0.1,"é":-3},"b":[1,2.5,"x\n\"q\"\\/",true,null],"c":"\u0001\#u{7f}"}"#)
        #expect(JSONValue.number(-0.0).compactText == "0")
        #expect(JSONValue.number(1e-7).compactText == "1e-07")
        #expect(JSONValue.number(9_007_199_254_740_992).compactText == "9007199254740992")
        #expect(JSONValue.number(.infinity).compactText == "null")
        #expect(JSONValue.number(.nan).compactText == "null")
    }

    @Test("written text reads back as the same value, by us and by Foundation", arguments: 0..<200)
    func roundTripsRandomValues(seed: Int) throws {
        var generator = SeededGenerator(seed: UInt64(seed))
        let value = Self.randomValue(depth: 0, using: &generator)
        let text = value.compactText
        #expect(try JSONValue.parse(text) == value, "\(text)")
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) == value, "\(text)")
    }

    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let kind = Int.random(in: depth > 3 ? 0...4 : 0...6, using: &generator)
        switch kind {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .number(Double(Int.random(in: -1_000_000...1_000_000, using: &generator)))
        case 3: return .number(Double.random(in: -1e12...1e12, using: &generator) * pow(10, Double(Int.random(in: -30...30, using: &generator))))
        case 4: return .string(randomString(using: &generator))
        case 5: return .array((0..<Int.random(in: 0...5, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
        default:
            var members: [String: JSONValue] = [:]
            for _ in 0..<Int.random(in: 0...5, using: &generator) {
                members[randomString(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
            }
            return .object(members)
        }
    }

    static func randomString(using generator: inout SeededGenerator) -> String {
        let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{0}", "\u{1f}", "é", "€", "😀", "\u{2028}", "日"]
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &generator) {
            text.unicodeScalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return text
    }
}

/// SplitMix64: reproducible random values for the round-trip table.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed &+ 0x9E37_79B9_7F4A_7C15
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
