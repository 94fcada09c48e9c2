import Core
import Foundation
import Testing

/// One validation case: the schema, the value, and every problem expected (none = passes).
struct ValidationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let schema: JSONValue
    let value: JSONValue
    let expected: [SpecProblem]

    init(_ name: String, _ schema: JSONValue, _ value: JSONValue, _ expected: [(String, String)] = []) {
        self.name = name
        self.schema = schema
        self.value = value
        self.expected = expected.map { SpecProblem(path: $0.0, message: $0.1) }
    }

    var testDescription: String { name }
}

private let passingCases: [ValidationCase] = [
    ValidationCase("type string", ["type": "string"], "a"),
    ValidationCase("type integer, whole", ["type": "integer"], 3),
    ValidationCase("type integer, written as 3.0", ["type": "integer"], 3.0),
    ValidationCase("type integer, beyond 2^53 (still no fraction)", ["type": "integer"], 1e20),
    ValidationCase(
        "uniqueItems: spellings that only look alike are distinct", ["uniqueItems": true], ["caf\u{E9}", "cafe\u{301}", "\u{212B}", "\u{C5}"]
    ),
    ValidationCase("type number, fraction", ["type": "number"], 2.5),
    ValidationCase("type number, whole", ["type": "number"], 3),
    ValidationCase("type boolean", ["type": "boolean"], false),
    ValidationCase("type null", ["type": "null"], nil),
    ValidationCase("type array", ["type": "array"], [1, "a"]),
    ValidationCase("type object", ["type": "object"], ["a": 1]),
    ValidationCase("type list", ["type": ["string", "null"]], nil),
    ValidationCase("property", ["properties": ["city": ["type": "string"]]], ["city": "Lisbon"]),
    ValidationCase("required present as null", ["required": ["a"]], ["a": nil]),
    ValidationCase("enum", ["enum": ["open", "closed"]], "open"),
    ValidationCase("enum number", ["enum": [1, 2]], 2.0),
    ValidationCase("const", ["const": ["a": [1]]], ["a": [1]]),
    ValidationCase("items", ["items": ["type": "integer"]], [1, 2, 3]),
    ValidationCase("minimum inclusive", ["minimum": 2.5], 2.5),
    ValidationCase("maximum inclusive", ["maximum": 10], 10),
    ValidationCase("exclusiveMinimum", ["exclusiveMinimum": 0], 0.001),
    ValidationCase("exclusiveMaximum", ["exclusiveMaximum": 5], 4.999),
    ValidationCase("minLength counts code points", ["minLength": 2], "👍🏽"),
    ValidationCase("maxLength counts code points, not UTF-16", ["maxLength": 1], "𝄞"),
    ValidationCase("maxLength precomposed", ["maxLength": 1], "\u{E9}"),
    ValidationCase("pattern anchored", ["pattern": "^[a-z]+$"], "abc"),
    ValidationCase("pattern searches unanchored", ["pattern": "b"], "abc"),
    ValidationCase("pattern \\d", ["pattern": "^\\d{3}$"], "123"),
    // JavaScript's meaning of patterns whose ICU meaning differs (ECMA-262, the u flag)
    ValidationCase("pattern \\b is an ASCII word boundary", ["pattern": "a\\b"], "a\u{E9}"),
    ValidationCase("pattern [\\D] is any but an ASCII digit", ["pattern": "^[\\D]$"], "\u{663}"),
    ValidationCase("pattern [\\W] is any but an ASCII word character", ["pattern": "^[\\W]$"], "\u{E9}"),
    ValidationCase("pattern [\\b] is a backspace", ["pattern": "^[\\b]$"], "\u{8}"),
    ValidationCase("pattern [a&&b] lists a, & and b", ["pattern": "^[a&&b]$"], "&"),
    ValidationCase("pattern [[:alpha:]] is a class of [, :, a, l, p, h then ]", ["pattern": "^[[:alpha:]]+$"], "a]]"),
    ValidationCase("pattern \\s includes U+FEFF", ["pattern": "^\\s$"], "\u{FEFF}"),
    ValidationCase("pattern . includes U+0085", ["pattern": "^.$"], "\u{85}"),
    ValidationCase("pattern \\v is a vertical tab", ["pattern": "^\\v$"], "\u{B}"),
    ValidationCase("pattern \\u{…} is a code point", ["pattern": "^\\u{1F600}$"], "\u{1F600}"),
    ValidationCase("pattern [^] is any code point", ["pattern": "^[^]$"], "\n"),
    ValidationCase("pattern \\0 is NUL", ["pattern": "^\\0$"], "\u{0}"),
    ValidationCase("pattern range of escapes", ["pattern": "^[\\u0041-\\x5A]+$"], "AZ"),
    ValidationCase("date", ["format": "date"], "2024-02-29"),
    ValidationCase("date-time UTC", ["format": "date-time"], "2024-05-31T14:30:00Z"),
    ValidationCase("date-time offset, fraction, lowercase", ["format": "date-time"], "2024-05-31t14:30:00.123+02:00"),
    ValidationCase("date-time leap second", ["format": "date-time"], "2016-12-31T23:59:60Z"),
    ValidationCase("date-time leap second with offset", ["format": "date-time"], "2016-12-31T15:59:60-08:00"),
    ValidationCase("email", ["format": "email"], "name.surname+tag@example.co.uk"),
    ValidationCase("uri https", ["format": "uri"], "https://example.com/a?b=c&d=%20#top"),
    ValidationCase("uri mailto", ["format": "uri"], "mailto:name@example.com"),
    ValidationCase("uri urn", ["format": "uri"], "urn:isbn:0451450523"),
    ValidationCase("uri IPv6 literal with a port", ["format": "uri"], "http://[2001:db8::7]:8080/c=GB?one"),
    ValidationCase("uri IPv4-mapped literal", ["format": "uri"], "http://[::ffff:192.0.2.1]/"),
    ValidationCase("uri userinfo and empty port", ["format": "uri"], "ftp://user:pw@ftp.example.com:/x"),
    ValidationCase("format ignores other types", ["format": "date"], 3),
    ValidationCase("additionalProperties true", ["properties": ["a": true], "additionalProperties": true], ["b": 1]),
    ValidationCase("additionalProperties schema", ["additionalProperties": ["type": "string"]], ["b": "x"]),
    ValidationCase("anyOf", ["anyOf": [["type": "string"], ["type": "integer"]]], 3),
    ValidationCase("oneOf", ["oneOf": [["type": "integer"], ["type": "string"]]], 3),
    ValidationCase("allOf", ["allOf": [["minimum": 1], ["maximum": 3]]], 2),
    ValidationCase("minItems", ["minItems": 1], [1]),
    ValidationCase("maxItems", ["maxItems": 2], [1, 2]),
    ValidationCase("uniqueItems", ["uniqueItems": true], [1, "1", [1], ["a": 1]]),
    ValidationCase("schema true", true, ["anything": [1]]),
    ValidationCase(
        "annotations are ignored",
        [
            "type": "string", "title": "T", "description": "d", "examples": ["a"], "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": "c", "deprecated": true, "readOnly": true, "writeOnly": false, "default": "x",
        ],
        "y"
    ),
    ValidationCase("malformed keyword values are skipped", ["minimum": "5", "pattern": 3], 1),
]

private let failingCases: [ValidationCase] = [
    ValidationCase("type string", ["type": "string"], 1, [("", "must be a string, got number")]),
    ValidationCase("type integer, fraction", ["type": "integer"], 2.5, [("", "must be an integer, got 2.5")]),
    ValidationCase("type integer, string", ["type": "integer"], "3", [("", "must be an integer, got string")]),
    ValidationCase("type number, string", ["type": "number"], "3", [("", "must be a number, got string")]),
    ValidationCase("type boolean", ["type": "boolean"], "true", [("", "must be a boolean, got string")]),
    ValidationCase("type null", ["type": "null"], 0, [("", "must be null, got number")]),
    ValidationCase("type array", ["type": "array"], ["a": 1], [("", "must be an array, got object")]),
    ValidationCase("type object", ["type": "object"], [1], [("", "must be an object, got array")]),
    ValidationCase("type list", ["type": ["string", "null"]], true, [("", "must be a string or null, got boolean")]),
    ValidationCase(
        "type list of three", ["type": ["string", "number", "null"]], [], [("", "must be a string, a number or null, got array")]
    ),
    ValidationCase(
        "property", ["type": "object", "properties": ["city": ["type": "string"]]], ["city": 1],
        [("city", "must be a string, got number")]
    ),
    ValidationCase(
        "nested path",
        [
            "type": "object",
            "properties": [
                "items": ["type": "array", "items": ["type": "object", "properties": ["name": ["type": "string"]]]]
            ],
        ],
        ["items": [["name": "a"], ["name": "b"], ["name": 3]]],
        [("items[2].name", "must be a string, got number")]
    ),
    ValidationCase(
        "property name that is not an identifier", ["properties": ["user-id": ["type": "string"]]], ["user-id": 1],
        [(#"["user-id"]"#, "must be a string, got number")]
    ),
    ValidationCase("required", ["type": "object", "required": ["city"]], [:], [("city", "is required")]),
    ValidationCase("enum", ["enum": ["a", "b"]], "c", [("", "must be one of: a, b")]),
    ValidationCase("enum mixed", ["enum": [1, "x y", nil]], 2, [("", "must be one of: 1, x y, null")]),
    ValidationCase("const", ["const": "x"], "y", [("", "must be exactly \"x\"")]),
    ValidationCase(
        "items", ["items": ["type": "integer"]], [1, "a", 2.5],
        [("[1]", "must be an integer, got string"), ("[2]", "must be an integer, got 2.5")]
    ),
    ValidationCase("minimum", ["minimum": 1], 0, [("", "must be at least 1")]),
    ValidationCase("maximum", ["maximum": 10], 10.5, [("", "must be at most 10")]),
    ValidationCase("exclusiveMinimum", ["exclusiveMinimum": 0], 0, [("", "must be greater than 0")]),
    ValidationCase("exclusiveMaximum", ["exclusiveMaximum": 5], 5, [("", "must be less than 5")]),
    ValidationCase("minLength", ["minLength": 2], "a", [("", "must be at least 2 characters long")]),
    ValidationCase("minLength of one", ["minLength": 1], "", [("", "must be at least 1 character long")]),
    ValidationCase("maxLength", ["maxLength": 3], "abcd", [("", "must be at most 3 characters long")]),
    ValidationCase(
        "maxLength counts code points, not graphemes", ["maxLength": 1], "e\u{301}",
        [("", "must be at most 1 character long")]
    ),
    ValidationCase("pattern", ["pattern": "^[a-z]+$"], "ab1", [("", "must match the pattern ^[a-z]+$")]),
    ValidationCase("pattern \\S excludes U+FEFF", ["pattern": "^\\S$"], "\u{FEFF}", [("", "must match the pattern ^\\S$")]),
    ValidationCase("pattern [[:alpha:]] is not a POSIX class", ["pattern": "^[[:alpha:]]+$"], "abc", [("", "must match the pattern ^[[:alpha:]]+$")]),
    ValidationCase("pattern \\v is not a line feed", ["pattern": "^\\v$"], "\n", [("", "must match the pattern ^\\v$")]),
    ValidationCase("pattern [] matches nothing", ["pattern": "^[]"], "a", [("", "must match the pattern ^[]")]),
    // JSON compares strings code point by code point: a decomposed "é" is not the enum's or const's "é".
    ValidationCase("enum: a look-alike spelling is another value", ["enum": ["caf\u{E9}", "tea"]], "cafe\u{301}",
                   [("", "must be one of: caf\u{E9}, tea")]),
    ValidationCase("const: a look-alike spelling is another value", ["const": "caf\u{E9}"], "cafe\u{301}",
                   [("", "must be exactly \"caf\u{E9}\"")]),
    ValidationCase(
        "required and additionalProperties: a look-alike key is another property",
        ["properties": ["\u{E4}": ["type": "string"]], "required": ["\u{E4}"], "additionalProperties": false], ["a\u{308}": "x"],
        [("[\"\u{E4}\"]", "is required"), ("[\"a\u{308}\"]", "is not an allowed property; allowed: \u{E4}")]
    ),
    ValidationCase(
        "pattern $ is the end of the string, as in JavaScript", ["pattern": "^[a-z]+$"], "abc\n",
        [("", "must match the pattern ^[a-z]+$")]
    ),
    ValidationCase(
        "pattern \\d is ASCII, as in JavaScript", ["pattern": "^\\d$"], "\u{0663}", [("", "must match the pattern ^\\d$")]
    ),
    ValidationCase(
        "pattern \\w is ASCII, as in JavaScript", ["pattern": "^\\w+$"], "é", [("", "must match the pattern ^\\w+$")]
    ),
    ValidationCase(
        "invalid pattern fails closed", ["pattern": "([a-z"], "a",
        [("", "cannot be checked: the schema's pattern is not a valid regular expression")]
    ),
    ValidationCase("date, not a leap year", ["format": "date"], "2023-02-29", [("", "must be a date like 2024-05-31 (YYYY-MM-DD)")]),
    ValidationCase("date, short month", ["format": "date"], "2024-1-01", [("", "must be a date like 2024-05-31 (YYYY-MM-DD)")]),
    ValidationCase("date, month 13", ["format": "date"], "2024-13-01", [("", "must be a date like 2024-05-31 (YYYY-MM-DD)")]),
    ValidationCase(
        "date-time with a space", ["format": "date-time"], "2024-05-31 14:30:00Z",
        [("", "must be a date-time like 2024-05-31T14:30:00Z (RFC 3339, with a time zone)")]
    ),
    ValidationCase(
        "date-time without a zone", ["format": "date-time"], "2024-05-31T14:30:00",
        [("", "must be a date-time like 2024-05-31T14:30:00Z (RFC 3339, with a time zone)")]
    ),
    ValidationCase(
        "date-time hour 24", ["format": "date-time"], "2024-05-31T24:00:00Z",
        [("", "must be a date-time like 2024-05-31T14:30:00Z (RFC 3339, with a time zone)")]
    ),
    ValidationCase(
        "date-time leap second at noon", ["format": "date-time"], "2016-12-31T12:00:60Z",
        [("", "must be a date-time like 2024-05-31T14:30:00Z (RFC 3339, with a time zone)")]
    ),
    ValidationCase(
        "date-time empty fraction", ["format": "date-time"], "2024-05-31T14:30:00.Z",
        [("", "must be a date-time like 2024-05-31T14:30:00Z (RFC 3339, with a time zone)")]
    ),
    ValidationCase("email without domain dot", ["format": "email"], "name@localhost", [("", "must be an email address like name@example.com")]),
    ValidationCase("email with spaces", ["format": "email"], " name@example.com", [("", "must be an email address like name@example.com")]),
    ValidationCase("email without @", ["format": "email"], "name.example.com", [("", "must be an email address like name@example.com")]),
    ValidationCase(
        "uri relative", ["format": "uri"], "/relative/path", [("", "must be an absolute URI with a scheme, like https://example.com/page")]
    ),
    ValidationCase(
        "uri without scheme", ["format": "uri"], "example.com", [("", "must be an absolute URI with a scheme, like https://example.com/page")]
    ),
    ValidationCase(
        "uri with a space", ["format": "uri"], "https://exa mple.com", [("", "must be an absolute URI with a scheme, like https://example.com/page")]
    ),
    ValidationCase("uri not RFC 3986: http://example.com:abc/path", ["format": "uri"], "http://example.com:abc/path", [("", "must be an absolute URI with a scheme, like https://example.com/page")]),
    ValidationCase("uri not RFC 3986: https://[@example.org/test.txt", ["format": "uri"], "https://[@example.org/test.txt", [("", "must be an absolute URI with a scheme, like https://example.com/page")]),
    ValidationCase("uri not RFC 3986: http:/[::1]", ["format": "uri"], "http:/[::1]", [("", "must be an absolute URI with a scheme, like https://example.com/page")]),
    ValidationCase("uri not RFC 3986: http://[::ffff:01.2.3.4]", ["format": "uri"], "http://[::ffff:01.2.3.4]", [("", "must be an absolute URI with a scheme, like https://example.com/page")]),
    ValidationCase("uri not RFC 3986: http://[1:2:3:4:5:6:7:8:9]/", ["format": "uri"], "http://[1:2:3:4:5:6:7:8:9]/", [("", "must be an absolute URI with a scheme, like https://example.com/page")]),
    ValidationCase("uri not RFC 3986: http://a]b.com/", ["format": "uri"], "http://a]b.com/", [("", "must be an absolute URI with a scheme, like https://example.com/page")]),
    ValidationCase(
        "uri bad percent", ["format": "uri"], "https://example.com/%zz", [("", "must be an absolute URI with a scheme, like https://example.com/page")]
    ),
    ValidationCase(
        "uri scheme starting with a digit", ["format": "uri"], "1http://x", [("", "must be an absolute URI with a scheme, like https://example.com/page")]
    ),
    ValidationCase(
        "additionalProperties false", ["properties": ["a": ["type": "integer"]], "additionalProperties": false], ["a": 1, "b": 2],
        [("b", "is not an allowed property; allowed: a")]
    ),
    ValidationCase(
        "additionalProperties false, no properties", ["additionalProperties": false], ["b": 2],
        [("b", "is not allowed; this object takes no properties")]
    ),
    ValidationCase(
        "additionalProperties schema", ["additionalProperties": ["type": "string"]], ["x": 1], [("x", "must be a string, got number")]
    ),
    ValidationCase(
        "anyOf", ["anyOf": [["type": "string"], ["type": "integer"]]], true,
        [("", "must match at least one of the allowed forms: (1) must be a string, got boolean; (2) must be an integer, got boolean")]
    ),
    ValidationCase(
        "anyOf names nested reasons", ["anyOf": [["required": ["a"]], ["required": ["b"]]]], [:],
        [("", "must match at least one of the allowed forms: (1) a is required; (2) b is required")]
    ),
    ValidationCase(
        "oneOf matching two", ["oneOf": [["type": "integer"], ["type": "number"]]], 3,
        [("", "matches forms 1 and 2, but must match exactly one")]
    ),
    ValidationCase(
        "oneOf matching none", ["oneOf": [["type": "integer"], ["type": "boolean"]]], "x",
        [("", "must match exactly one of the allowed forms: (1) must be an integer, got string; (2) must be a boolean, got string")]
    ),
    ValidationCase("allOf", ["allOf": [["minimum": 1], ["maximum": 3]]], 5, [("", "must be at most 3")]),
    ValidationCase("minItems", ["minItems": 1], [], [("", "must have at least 1 item")]),
    ValidationCase("maxItems", ["maxItems": 2], [1, 2, 3], [("", "must have at most 2 items")]),
    ValidationCase(
        "uniqueItems", ["uniqueItems": true], [1, 2, 1.0], [("", "must not contain duplicates; items 0 and 2 are equal")]
    ),
    ValidationCase(
        "uniqueItems objects", ["uniqueItems": true], [["a": 1, "b": 2], ["b": 2, "a": 1]],
        [("", "must not contain duplicates; items 0 and 1 are equal")]
    ),
    ValidationCase("schema false", ["properties": ["x": false]], ["x": 1], [("x", "is not allowed")]),
    ValidationCase(
        "type failure hides the other keywords", ["type": "string", "minLength": 3, "enum": ["abc"]], 1,
        [("", "must be a string, got number")]
    ),
]

@Suite struct JSONSchemaValidationTests {
    @Test(arguments: passingCases)
    func valuesThatPass(_ testCase: ValidationCase) {
        // when
        let problems = JSONSchema.validate(testCase.value, against: testCase.schema)
        // then
        #expect(problems == [])
    }

    @Test(arguments: failingCases)
    func valuesThatFail(_ testCase: ValidationCase) {
        // when
        let problems = JSONSchema.validate(testCase.value, against: testCase.schema)
        // then
        #expect(problems == testCase.expected)
    }

    @Test func aCatastrophicPatternFailsWithinItsBudget() {
        // given
        let schema: JSONValue = ["pattern": "^(a+)+$"]
        let value = JSONValue.string(String(repeating: "a", count: 40) + "!")
        let clock = ContinuousClock()
        // when
        let started = clock.now
        let problems = JSONSchema.validate(value, against: schema)
        let elapsed = clock.now - started
        // then
        #expect(problems.map(\.message) == ["took too long to check against the pattern ^(a+)+$; the pattern needs simplifying"])
        #expect(elapsed < .seconds(10))  // without the budget this pattern runs for hours
    }

    @Test func aSpecsSchemasShareOneTimeBudget() {
        // given: fifty tools whose schemas each hold enum values that backtrack on their own pattern
        let slow: JSONValue = ["type": "string", "pattern": "^(a+)+$", "enum": [.string(String(repeating: "a", count: 40) + "b")]]
        var spec = validSpec()
        spec.tools = (0..<50).map { index in
            ToolSpec(name: "tool_\(index)", description: "Slow pattern.", inputSchema: ["type": "object", "properties": ["v": slow]],
                     implementation: "return 1;")
        }
        let clock = ContinuousClock()
        // when
        let started = clock.now
        let problems = SpecValidator.problems(in: spec)
        let elapsed = clock.now - started
        // then: every tool's enum is refused, within one budget (it took 50 × 250 ms, on a request's thread)
        #expect(problems.count == 50)
        #expect(problems.allSatisfy { $0.message.contains("took too long") })
        #expect(elapsed < .seconds(3))
    }

    @Test func manyCatastrophicMatchesShareOneTimeBudget() {
        // given
        let schema: JSONValue = ["items": ["pattern": "^(a+)+$"]]
        let value = JSONValue.array(Array(repeating: .string(String(repeating: "a", count: 40) + "!"), count: 30))
        let clock = ContinuousClock()
        // when
        let started = clock.now
        let problems = JSONSchema.validate(value, against: schema)
        let elapsed = clock.now - started
        // then
        #expect(problems.count == 30)
        #expect(problems.allSatisfy { $0.message.hasPrefix("took too long") })
        #expect(elapsed < .seconds(10))  // one budget for all 30, not 30 budgets (and not hours)
    }

    @Test func deepValuesStopAtTheDepthLimit() {
        // given a schema and a value both nested far deeper than the limit
        var schema: JSONValue = ["type": "array"]
        var value: JSONValue = []
        for _ in 0..<200 {
            schema = ["items": schema]
            value = [value]
        }
        // when
        let problems = JSONSchema.validate(value, against: schema)
        // then
        #expect(problems.count == 1)
        #expect(problems.first?.message == "is nested more than \(JSONSchema.maxDepth) levels deep")
        #expect(problems.first?.path == String(repeating: "[0]", count: JSONSchema.maxDepth + 1))
    }

    @Test func problemsStopAtTheLimit() {
        // given
        let schema: JSONValue = ["type": "object", "additionalProperties": false]
        let value = JSONValue.object(Dictionary(uniqueKeysWithValues: (0..<500).map { ("p\($0)", JSONValue.number(1)) }))
        // when
        let problems = JSONSchema.validate(value, against: schema)
        // then
        #expect(problems.count == JSONSchema.maxProblems)
    }
}

@Suite struct JSONSchemaDefaultsTests {
    private let schema: JSONValue = [
        "type": "object",
        "properties": [
            "days": ["type": "integer", "default": 3],
            "state": ["type": "string", "default": "open"],
            "options": [
                "type": "object",
                "properties": ["units": ["type": "string", "default": "metric"], "lang": ["type": "string"]],
                "default": [:],
            ],
            "stops": ["type": "array", "items": ["type": "object", "properties": ["wait": ["default": 5]]]],
        ],
        "allOf": [["properties": ["extra": ["default": true]]]],
    ]

    @Test func fillsMissingPropertiesAtEveryLevel() {
        // given
        let arguments: JSONValue = ["state": "closed", "stops": [["wait": 1], [:]]]
        // when
        let filled = JSONSchema.applyingDefaults(to: arguments, schema: schema)
        // then
        #expect(
            filled == [
                "days": 3, "state": "closed", "options": ["units": "metric"], "stops": [["wait": 1], ["wait": 5]],
                "extra": true,
            ]
        )
    }

    @Test func keepsExplicitNullsAndLeavesNonObjectsAlone() {
        // given
        let arguments: JSONValue = ["days": nil, "options": ["units": "imperial"]]
        // when
        let filled = JSONSchema.applyingDefaults(to: arguments, schema: schema)
        let scalar = JSONSchema.applyingDefaults(to: "text", schema: schema)
        // then
        #expect(filled["days"] == .null)
        #expect(filled["options"] == ["units": "imperial"])
        #expect(scalar == "text")
    }
}

/// One schema well-formedness case; paths are under the root path "s".
struct SchemaCase: Sendable, CustomTestStringConvertible {
    let name: String
    let schema: JSONValue
    let expected: [SpecProblem]

    init(_ name: String, _ schema: JSONValue, _ expected: [(String, String)]) {
        self.name = name
        self.schema = schema
        self.expected = expected.map { SpecProblem(path: $0.0, message: $0.1) }
    }

    var testDescription: String { name }
}

private let keywordList = JSONSchema.supportedKeywords.joined(separator: ", ")
private let typeList = "array, boolean, integer, null, number, object, string"

private let malformedSchemas: [SchemaCase] = [
    SchemaCase("not an object", "string", [("s", "must be a schema (a JSON object), got string")]),
    SchemaCase("unknown type", ["type": "strin"], [("s.type", "\"strin\" is not a type; use one of: \(typeList)")]),
    SchemaCase("type of wrong kind", ["type": 3], [("s.type", "must be a type name or a non-empty list of them (\(typeList)), got 3")]),
    SchemaCase("empty type list", ["type": []], [("s.type", "must be a type name or a non-empty list of them (\(typeList)), got array")]),
    SchemaCase("unknown type in list", ["type": ["string", "text"]], [("s.type[1]", "\"text\" is not a type; use one of: \(typeList)")]),
    SchemaCase("type twice", ["type": ["string", "string"]], [("s.type", "lists \"string\" twice")]),
    SchemaCase("$ref", ["$ref": "#/$defs/a"], [("s.$ref", "is not supported (write the referenced schema inline); supported keywords: \(keywordList)")]),
    SchemaCase(
        "patternProperties", ["patternProperties": [:]],
        [("s.patternProperties", "is not supported (list the properties, or constrain the rest with additionalProperties); supported keywords: \(keywordList)")]
    ),
    SchemaCase("misspelt keyword", ["maxLenght": 3], [("s.maxLenght", "is not supported; supported keywords: \(keywordList)")]),
    SchemaCase(
        "properties not an object", ["properties": ["a"]],
        [("s.properties", "must be an object mapping property names to schemas, got array")]
    ),
    SchemaCase(
        "nested property", ["type": "object", "properties": ["city": ["type": "strng"]]],
        [("s.properties.city.type", "\"strng\" is not a type; use one of: \(typeList)")]
    ),
    SchemaCase(
        "property that is not a schema", ["properties": ["user-id": 3]],
        [(#"s.properties["user-id"]"#, "must be a schema (a JSON object), got number")]
    ),
    SchemaCase("required not a list", ["required": "a"], [("s.required", "must be an array of property names, got string")]),
    SchemaCase("required non-string", ["required": [1]], [("s.required[0]", "must be a property name (a string), got number")]),
    SchemaCase("required twice", ["properties": ["a": true], "required": ["a", "a"]], [("s.required", "names \"a\" twice")]),
    SchemaCase(
        "required unknown property", ["properties": ["city": true], "required": ["citty"]],
        [("s.required", "names \"citty\", which is not in properties")]
    ),
    SchemaCase("enum empty", ["enum": []], [("s.enum", "must be a non-empty array of the allowed values")]),
    SchemaCase("enum duplicate", ["enum": [1, 1.0]], [("s.enum", "lists 1 twice")]),
    SchemaCase(
        "items as a tuple", ["items": [["type": "string"]]],
        [("s.items", "must be one schema for every element; the list (tuple) form is not supported")]
    ),
    SchemaCase("items not a schema", ["items": "string"], [("s.items", "must be a schema (a JSON object), got string")]),
    SchemaCase("minimum as a string", ["minimum": "1"], [("s.minimum", "must be a number, got string")]),
    SchemaCase(
        "draft-4 exclusiveMinimum", ["minimum": 0, "exclusiveMinimum": true],
        [("s.exclusiveMinimum", "must be a number; the draft-4 boolean form is not supported, so put the bound itself here, like \"exclusiveMinimum\": 0")]
    ),
    SchemaCase("minLength negative", ["minLength": -1], [("s.minLength", "must be a whole number, 0 or more, got -1")]),
    SchemaCase("maxItems fraction", ["maxItems": 1.5], [("s.maxItems", "must be a whole number, 0 or more, got 1.5")]),
    SchemaCase("pattern not a string", ["pattern": 3], [("s.pattern", "must be a string, got number")]),
    SchemaCase("pattern invalid", ["pattern": "([a-z"], [("s.pattern", "\"([a-z\" is not a valid regular expression")]),
    SchemaCase(
        "pattern inline flag", ["pattern": "(?i)abc"],
        [("s.pattern", "uses (?…) syntax such as inline flags, comments or atomic groups, which JavaScript does not support")]
    ),
    SchemaCase(
        "pattern possessive after a property escape", ["pattern": "^\\p{L}++$"],
        [("s.pattern", "uses a possessive quantifier (like a++), which JavaScript does not support")]
    ),
    SchemaCase(
        "pattern possessive", ["pattern": "^a++$"],
        [("s.pattern", "uses a possessive quantifier (like a++), which JavaScript does not support")]
    ),
    SchemaCase("pattern \\h (ICU only)", ["pattern": "^\\h$"], [("s.pattern", "uses \\h, which is not a JavaScript escape")]),
    SchemaCase("pattern \\R (ICU only)", ["pattern": "^\\R$"], [("s.pattern", "uses \\R, which is not a JavaScript escape")]),
    SchemaCase("pattern \\X (ICU only)", ["pattern": "^\\X$"], [("s.pattern", "uses \\X, which is not a JavaScript escape")]),
    SchemaCase("pattern \\e (ICU only)", ["pattern": "^\\e$"], [("s.pattern", "uses \\e, which is not a JavaScript escape")]),
    SchemaCase("pattern \\N{…} (ICU only)", ["pattern": "^\\N{LATIN SMALL LETTER A}$"], [("s.pattern", "uses \\N, which is not a JavaScript escape")]),
    SchemaCase("pattern \\x{…} (ICU only)", ["pattern": "^\\x{41}$"],
               [("s.pattern", "uses \\x without two hex digits after it (\\x{…} is not JavaScript; write \\u{…})")]),
    SchemaCase(
        "pattern \\A", ["pattern": "\\Aabc"],
        [("s.pattern", "uses \\A, which JavaScript does not support; use ^ and $ for the start and end")]
    ),
    SchemaCase(
        "format unknown", ["format": "uuid"],
        [("s.format", "\"uuid\" is not a supported format; use one of: date, date-time, email, uri, or a pattern")]
    ),
    SchemaCase("format not a string", ["format": true], [("s.format", "must be a string, got boolean")]),
    SchemaCase(
        "additionalProperties of wrong kind", ["additionalProperties": "no"],
        [("s.additionalProperties", "must be true, false or a schema, got string")]
    ),
    SchemaCase(
        "additionalProperties schema checked", ["additionalProperties": ["type": "str"]],
        [("s.additionalProperties.type", "\"str\" is not a type; use one of: \(typeList)")]
    ),
    SchemaCase("anyOf empty", ["anyOf": []], [("s.anyOf", "must be a non-empty array of schemas")]),
    SchemaCase("oneOf branch not a schema", ["oneOf": [["type": "string"], 3]], [("s.oneOf[1]", "must be a schema (a JSON object), got number")]),
    SchemaCase("allOf not a list", ["allOf": ["type": "string"]], [("s.allOf", "must be a non-empty array of schemas")]),
    SchemaCase("description not a string", ["description": 3], [("s.description", "must be a string, got number")]),
    SchemaCase("title not a string", ["title": ["a"]], [("s.title", "must be a string, got array")]),
    SchemaCase("examples not a list", ["examples": "a"], [("s.examples", "must be an array of example values, got string")]),
    SchemaCase("deprecated not a boolean", ["deprecated": "yes"], [("s.deprecated", "must be true or false, got string")]),
    SchemaCase("uniqueItems not a boolean", ["uniqueItems": 1], [("s.uniqueItems", "must be true or false, got number")]),
    SchemaCase(
        "minLength above maxLength", ["minLength": 5, "maxLength": 3],
        [("s.minLength", "(5) and maxLength (3) leave no value that can pass")]
    ),
    SchemaCase("minimum above maximum", ["minimum": 5, "maximum": 3], [("s.minimum", "(5) and maximum (3) leave no value that can pass")]),
    SchemaCase(
        "exclusive bounds meeting", ["exclusiveMinimum": 3, "maximum": 3],
        [("s.exclusiveMinimum", "(3) and maximum (3) leave no value that can pass")]
    ),
    SchemaCase("minItems above maxItems", ["minItems": 2, "maxItems": 1], [("s.minItems", "(2) and maxItems (1) leave no value that can pass")]),
    SchemaCase(
        "keyword for another type", ["type": "integer", "minLength": 1],
        [("s.minLength", "applies only to strings, but type is \"integer\"")]
    ),
    SchemaCase(
        "keyword for none of the types", ["type": ["string", "null"], "minimum": 1],
        [("s.minimum", "applies only to numbers, but type is [\"string\",\"null\"]")]
    ),
    SchemaCase(
        "default not matching", ["type": "integer", "minimum": 1, "default": 0],
        [("s.default", "does not match its own schema: must be at least 1")]
    ),
    SchemaCase(
        "default not in enum", ["enum": ["open", "closed"], "default": "all"],
        [("s.default", "does not match its own schema: must be one of: open, closed")]
    ),
    SchemaCase(
        "nested default", ["properties": ["o": ["type": "object", "required": ["a"], "properties": ["a": true], "default": [:]]]],
        [("s.properties.o.default", "does not match its own schema: a is required")]
    ),
    SchemaCase(
        "enum value of another type", ["type": "string", "enum": ["a", 1]],
        [("s.enum[1]", "does not match the rest of the schema: must be a string, got number")]
    ),
    SchemaCase("const of another type", ["type": "string", "const": 1], [("s.const", "does not match the rest of the schema: must be a string, got number")]),
    SchemaCase(
        "$schema of another draft", ["$schema": "http://json-schema.org/draft-07/schema#"],
        [("s.$schema", #"declares "http://json-schema.org/draft-07/schema#", but schemas here are JSON Schema 2020-12 (the subset on the Authoring tools page): use "https://json-schema.org/draft/2020-12/schema" or leave $schema out"#)]
    ),
    SchemaCase(
        "$schema that is not a string", ["$schema": 2020],
        [("s.$schema", #"declares 2020, but schemas here are JSON Schema 2020-12 (the subset on the Authoring tools page): use "https://json-schema.org/draft/2020-12/schema" or leave $schema out"#)]
    ),
]

private let wellFormedSchemas: [SchemaCase] = [
    SchemaCase("boolean schema", true, []),
    SchemaCase("Unicode property escapes, repeated", ["pattern": "^\\p{L}+\\P{Lu}*$"], []),
    SchemaCase("empty schema", [:], []),
    SchemaCase(
        "every keyword",
        [
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$comment": "c", "title": "T", "description": "d",
            "type": "object", "deprecated": false, "readOnly": false, "writeOnly": false, "examples": [["name": "x"]],
            "properties": [
                "name": ["type": "string", "minLength": 1, "maxLength": 10, "pattern": "^[A-Za-z_.-]+$", "default": "x"],
                "when": ["type": "string", "format": "date-time"],
                "count": ["type": "integer", "minimum": 0, "maximum": 5, "exclusiveMinimum": -1, "exclusiveMaximum": 6],
                "tags": ["type": "array", "items": ["type": "string", "enum": ["a", "b"]], "minItems": 0, "maxItems": 2, "uniqueItems": true],
                "kind": ["const": "k"],
                "either": ["anyOf": [["type": "string"], ["type": "null"]]],
                "one": ["oneOf": [["type": "integer"], ["type": "string"]]],
                "all": ["allOf": [["minimum": 0], ["maximum": 1]]],
            ],
            "required": ["name"],
            "additionalProperties": ["type": "string"],
        ],
        []
    ),
    SchemaCase("lookahead and named groups are portable", ["pattern": "^(?=.*[0-9])(?<word>[a-z]+)(?:-[a-z]+)*$"], []),
    SchemaCase("required without properties", ["required": ["a"]], []),
    SchemaCase("$schema 2020-12 with the empty fragment", ["$schema": "https://json-schema.org/draft/2020-12/schema#"], []),
]

@Suite struct JSONSchemaWellFormednessTests {
    @Test(arguments: malformedSchemas)
    func malformedSchemasAreExplained(_ testCase: SchemaCase) {
        // when
        let problems = JSONSchema.problems(inSchema: testCase.schema, at: "s")
        // then
        #expect(problems == testCase.expected)
    }

    @Test(arguments: wellFormedSchemas)
    func wellFormedSchemasPass(_ testCase: SchemaCase) {
        // when
        let problems = JSONSchema.problems(inSchema: testCase.schema, at: "s")
        // then
        #expect(problems == [])
    }

    @Test func supportedKeywordsAreSortedAndEachIsAccepted() {
        // given
        let expected = [
            "$comment", "$schema", "additionalProperties", "allOf", "anyOf", "const", "default", "deprecated",
            "description", "enum", "examples", "exclusiveMaximum", "exclusiveMinimum", "format", "items", "maxItems",
            "maxLength", "maximum", "minItems", "minLength", "minimum", "oneOf", "pattern", "properties", "readOnly",
            "required", "title", "type", "uniqueItems", "writeOnly",
        ]
        // then
        #expect(JSONSchema.supportedKeywords == expected)
        #expect(JSONSchema.supportedKeywords == JSONSchema.supportedKeywords.sorted())
        for keyword in expected {
            let problems = JSONSchema.problems(inSchema: [keyword: "not a valid value for most keywords"], at: "")
            #expect(!problems.contains { $0.message.hasPrefix("is not supported") }, "\(keyword)")
        }
    }

    @Test func deepSchemasStopAtTheDepthLimit() {
        // given
        var schema: JSONValue = ["type": "string"]
        for _ in 0..<500 { schema = ["items": schema] }
        // when
        let problems = JSONSchema.problems(inSchema: schema, at: "s")
        // then
        #expect(problems.count == 1)
        #expect(problems.first?.message == "nests schemas more than \(JSONSchema.maxDepth) levels deep; flatten it")
        #expect(problems.first?.path == "s" + String(repeating: ".items", count: JSONSchema.maxDepth + 1))
    }

    @Test func problemsStopAtTheLimit() {
        // given
        let properties = Dictionary(uniqueKeysWithValues: (0..<300).map { ("p\($0)", JSONValue.object(["type": "nope"])) })
        // when
        let problems = JSONSchema.problems(inSchema: ["properties": .object(properties)], at: "")
        // then
        #expect(problems.count == JSONSchema.maxProblems)
    }
}
