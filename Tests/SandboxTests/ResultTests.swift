import Core
import Testing
@testable import Sandbox

@Suite("Return values and arguments")
struct ResultTests {
    @Test func addsItsArguments() async throws {
        try await withPool { pool in
            // given
            let arguments: JSONValue = ["a": 2, "b": 40]

            // when
            let outcome = await pool.run("return args.a + args.b", arguments: arguments)

            // then
            #expect(outcome.value == 42)
            #expect(outcome.logs.isEmpty)
            #expect(outcome.fetchCount == 0)
            #expect(outcome.durationMilliseconds > 0)
        }
    }

    @Test(arguments: [(String, JSONValue)]([
        ("return 'plain text'", JSONValue.string("plain text")),
        ("return 3.5", JSONValue.number(3.5)),
        ("return true", JSONValue.bool(true)),
        ("return null", JSONValue.null),
        ("return undefined", JSONValue.null),
        ("", JSONValue.null),
        ("return [1, 'two', null]", JSONValue.array([1, "two", nil])),
        ("return { list: [{ deep: { deeper: [1, 2] } }], name: 'n' }", ["list": [["deep": ["deeper": [1, 2]]]], "name": "n"] as JSONValue),
        ("return new Date(0)", JSONValue.string("1970-01-01T00:00:00.000Z")),
        ("return { skip: undefined, keep: 1 }", ["keep": 1] as JSONValue),
        ("return 'line\\nbreak \"quoted\" \\u00e9 \\ud83d\\ude00'", JSONValue.string("line\nbreak \"quoted\" é 😀")),
        // Lone surrogates, which JSON cannot carry, become U+FFFD wherever they are; pairs and look-alikes stay.
        ("return 'k\\ud800'", JSONValue.string("k\u{FFFD}")),
        ("const o = {}; o['k\\ud800'] = 'v\\udc00 \\ud83d\\ude00'; return o", ["k\u{FFFD}": "v\u{FFFD} 😀"] as JSONValue),
        ("return ['\\udbff\\udbff\\udfff', '\\\\ud800 is text']", JSONValue.array(["\u{FFFD}\u{10FFFF}", "\\ud800 is text"])),
    ]))
    func returnsJSON(implementation: String, expected: JSONValue) async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == expected)
        }
    }

    @Test func passesNestedArgumentsUnchanged() async throws {
        try await withPool { pool in
            // given
            let arguments: JSONValue = ["text": "héllo\u{0}", "items": [1, 2.5, ["k": nil]], "flag": false]

            // when
            let outcome = await pool.run("return args", arguments: arguments)

            // then
            #expect(outcome.value == arguments)
        }
    }

    @Test func awaitsBeforeReturning() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("const x = await Promise.resolve(20);\nconst y = await (async () => 22)();\nreturn x + y;")

            // then
            #expect(outcome.value == 42)
        }
    }

    @Test(arguments: [
        ("throw new Error('GitHub answered HTTP 404: repository not found')", "GitHub answered HTTP 404: repository not found"),
        ("throw 42", "The tool threw a non-Error value: 42"),
        ("throw { a: 1 }", #"The tool threw a non-Error value: {"a":1}"#),
        ("throw 'just text'", "just text"),
        ("throw undefined", "The tool threw undefined"),
        ("const x = null;\nreturn x.field;", "TypeError: null is not an object (evaluating 'x.field') (line 2)"),
        ("await Promise.reject(new RangeError('too far'))", "RangeError: too far (line 1)"),
    ])
    func reportsThrownValuesReadably(implementation: String, message: String) async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.failure == .thrown(message))
        }
    }

    @Test(arguments: ["return 10n", "const a = {}; a.self = a; return a", "return () => 1", "return Symbol('s')"])
    func refusesValuesWithoutJSON(implementation: String) async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run(implementation)

            // then
            guard case .invalidResult(let message) = outcome.failure else {
                Issue.record("expected invalidResult, got \(outcome.result)")
                return
            }
            #expect(!message.isEmpty)
        }
    }

    @Test func reportsAPromiseThatCanNeverSettle() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("await new Promise(() => {})")

            // then
            #expect(outcome.failure == .neverSettled)
            // Detected at once, not after the 10 s wall-clock limit (slack for a busy machine).
            #expect(outcome.durationMilliseconds < 9000)  // below the 10 s default wall clock: the intended limit ended it (slack for a loaded CI machine)
        }
    }
}
