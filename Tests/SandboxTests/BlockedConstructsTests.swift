import Core
import Testing
@testable import Sandbox

@Suite("Blocked constructs")
struct BlockedConstructsTests {
    static let evalDisabled = "EvalError: eval and the Function constructor are disabled in the sandbox (line 1)"

    @Test(arguments: [
        "return eval('1 + 1')",
        "return new Function('return 1')()",
        "return Function('return 1')()",
        "return (() => {}).constructor('return 1')()",
        "return (async () => {}).constructor('return 1')()",
        "return (function* () {}).constructor('yield 1')",
        "return globalThis.constructor.constructor('return this')()",
        "return Reflect.construct(Function, ['return 1'])()",
        "return ctx.fetch.constructor('return 1')()",
    ])
    func codeFromStringsIsDisabled(implementation: String) async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.failure == .thrown(Self.evalDisabled))
        }
    }

    @Test func webAssemblyIsRemoved() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("return new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))")

            // then
            #expect(outcome.failure == .thrown("ReferenceError: Can't find variable: WebAssembly (line 1)"))
        }
    }

    @Test func dynamicImportFails() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("const fs = await import('fs');\nreturn typeof fs")

            // then
            guard case .thrown(let message) = outcome.failure else {
                Issue.record("expected import() to fail, got \(outcome.result)")
                return
            }
            #expect(message.contains("Could not import the module"))
        }
    }

    @Test func bodiesThatCloseTheFunctionEarlyAreRejected() async throws {
        try await withPool { pool in
            // given
            let escape = "return 1;\n}); globalThis.escaped = true; (async function () {"

            // when
            let outcome = await pool.run(escape)
            let compiled = await pool.compile(escape)

            // then
            #expect(outcome.failure == .syntax("The implementation must be the body of one function; it closes that function early"))
            #expect(compiled.failure == .syntax("The implementation must be the body of one function; it closes that function early"))
        }
    }
}

@Suite("Compiling")
struct CompileTests {
    @Test func validBodiesCompileWithoutRunning() async throws {
        try await withPool { pool in
            // when
            let awaiting = await pool.compile("const r = await ctx.fetch(args.url);\nreturn r.json();")
            let endless = await pool.compile("while (true) {}")

            // then
            #expect(awaiting.succeeded)
            #expect(endless.succeeded)
        }
    }

    @Test(arguments: [
        ("const a = 1;\nconst b = ;\nreturn a;", "Line 2: Unexpected token ';'"),
        ("let x = 1;\nx y", "Line 2: Unexpected identifier 'y'"),
        ("if (true) {\n  return 1;", "Line 2: the implementation ends before every bracket, brace, string or comment is closed"),
        ("return `open template;", "Line 1: the implementation ends before every bracket, brace, string or comment is closed"),
        ("let a;\nlet a;", "Line 2: Cannot declare a let variable twice: 'a'."),
    ])
    func syntaxErrorsNameTheLineOfTheBody(implementation: String, message: String) async throws {
        try await withPool { pool in
            // when
            let compiled = await pool.compile(implementation)
            let run = await pool.run(implementation)

            // then
            #expect(compiled.failure == .syntax(message))
            #expect(run.failure == .syntax(message))
        }
    }
}
