import Core
import Testing
@testable import Sandbox

@Suite("Secrets and logs")
struct SecretsAndLogsTests {
    @Test func secretsAreVisibleOnlyToTheirCall() async throws {
        try await withPool { pool in
            // given
            let first = "ctx.secrets.API_TOKEN === 'tok-123456' && Object.isFrozen(ctx.secrets)"
            let stash = "globalThis.stash = ctx.secrets.API_TOKEN; return Object.keys(ctx.secrets).sort()"

            // when
            let sawSecret = await pool.run("return " + first, secrets: ["API_TOKEN": "tok-123456"])
            let keys = await pool.run(stash, secrets: ["API_TOKEN": "tok-123456", "OTHER": "other-value"])
            let nextCall = await pool.run("return [Object.keys(ctx.secrets).length, typeof ctx.secrets.API_TOKEN, typeof globalThis.stash]")

            // then
            #expect(sawSecret.value == true)
            #expect(keys.value == ["API_TOKEN", "OTHER"])
            #expect(nextCall.value == [0, "undefined", "undefined"])
        }
    }

    @Test func secretsCannotBeChanged() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("'use strict';\nctx.secrets.API_TOKEN = 'x';", secrets: ["API_TOKEN": "tok-123456"])

            // then
            guard case .thrown(let message) = outcome.failure else {
                Issue.record("expected a TypeError, got \(outcome.result)")
                return
            }
            #expect(message.hasPrefix("TypeError"))
        }
    }

    @Test func secretValuesAreRedactedFromResultsLogsAndErrors() async throws {
        try await withPool { pool in
            // given
            let secrets = ["API_TOKEN": "tok-123456"]

            // when
            let returned = await pool.run("ctx.log('using', ctx.secrets.API_TOKEN);\nreturn { header: `Bearer ${ctx.secrets.API_TOKEN}` }", secrets: secrets)
            let thrown = await pool.run("throw new Error('bad token ' + ctx.secrets.API_TOKEN)", secrets: secrets)

            // then
            #expect(returned.value == ["header": "Bearer [redacted]"])
            #expect(returned.logs == ["using [redacted]"])
            #expect(thrown.failure == .thrown("bad token [redacted]"))
        }
    }

    @Test("a secret the worker's cut of a long error or log line goes through is redacted up to the cut")
    func secretsCutByTheWorkerAreRedacted() async throws {
        try await withPool { pool in
            // given padding that puts the cut 12 characters into the secret
            let secrets = ["API_KEY": "sekrit-value-123"]
            let error = "throw new Error('x'.repeat(8192 - 3 - 12) + ctx.secrets.API_KEY + 'y'.repeat(100))"
            let log = "ctx.log('x'.repeat(4096 - 3 - 12) + ctx.secrets.API_KEY + 'y'.repeat(100)); return 1"
            let shortLog = "ctx.log('loading tasks…'); return 1"

            // when
            let thrown = await pool.run(error, secrets: secrets)
            let logged = await pool.run(log, secrets: secrets)
            let short = await pool.run(shortLog, secrets: ["API_KEY": "sekrit-value-123", "OTHER": "sk-other-value"])

            // then no part of the secret is left, and the cut is still marked
            guard case .thrown(let message) = thrown.failure else {
                Issue.record("expected the error, got \(thrown.result)")
                return
            }
            #expect(!message.contains("sekrit"))
            #expect(message.hasSuffix("x[redacted]…"))
            #expect(message.utf8.count < 8192 + 16)
            #expect(logged.logs.count == 1)
            #expect(logged.logs.first.map { !$0.contains("sekrit") && $0.hasSuffix("x[redacted]…") } == true)
            // a line that only ends with "…" is no cut: its last letters stay even where a secret starts with them
            #expect(short.logs == ["loading tasks…"])
        }
    }

    @Test func secretValuesAreRedactedInTheirURLJSONAndBase64Spellings() async throws {
        try await withPool { pool in
            // given a password with characters each encoding changes
            let secrets = ["PASSWORD": "pa\"ss\\wörd/+x 1234"]

            // when a tool passes it on the ways code usually does
            let outcome = await pool.run("""
                const p = ctx.secrets.PASSWORD;
                ctx.log('query', 'https://api.example/login?pw=' + encodeURIComponent(p));
                ctx.log('body', JSON.stringify({ password: p }));
                ctx.log('form', new URLSearchParams({ pw: p }).toString());
                const bytes = new TextEncoder().encode(p + ':rest');
                let binary = ''; for (const b of bytes) binary += String.fromCharCode(b);
                return { basic: 'Basic ' + btoa(binary) };
                """, secrets: secrets)

            // then none of them reaches the result or the logs
            let rendered = "\(String(describing: outcome.value)) \(outcome.logs)"
            for leaked in ["pa%22ss%5Cw%C3%B6rd%2F%2Bx%201234", #"pa\"ss\\wörd"#, "pa%22ss%5Cw%C3%B6rd%2F%2Bx+1234", "cGEic3Nc"] {
                #expect(!rendered.contains(leaked), "\(leaked) in \(rendered)")
            }
            #expect(outcome.logs.count == 3 && outcome.logs.allSatisfy { $0.contains("[redacted]") }, "\(outcome.logs)")
            #expect(outcome.value?.objectValue?["basic"]?.stringValue?.hasPrefix("Basic [redacted]") == true, "\(String(describing: outcome.value))")
        }
    }

    @Test func aBase64SecretIsRedactedAfterAPrefixAndToItsLastCharacter() async throws {
        try await withPool { pool in
            // given HTTP Basic's usual spelling, `btoa(user + ":" + key)`, with users of each length modulo 3
            let secrets = ["KEY": "bobsecretvalue42"]
            // when
            let outcome = await pool.run("""
                const k = ctx.secrets.KEY;
                return [btoa(k), btoa('u:' + k), btoa('us:' + k), btoa('usr:' + k)];
                """, secrets: secrets)
            // then every one is redacted, and no whole character of the key's last group is left ("Mg==" is its "2")
            let values = outcome.value?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(values.count == 4)
            for value in values {
                #expect(value.contains("[redacted]"), "\(value)")
                #expect(!value.hasSuffix("Mg=="), "\(value)")
                #expect(!value.contains("Ym9ic2Vj") && !value.contains("Ib2JzZWNy") && !value.contains("ZTQy"), "\(value)")
            }
        }
    }

    @Test func logsFromCtxAndConsoleAreCaptured() async throws {
        try await withPool { pool in
            // given
            let implementation = """
                ctx.log("plain", 1, { a: [1, 2] });
                console.log("from console");
                console.info("info");
                console.warn("careful");
                console.error(new TypeError("bad"));
                return "done";
                """

            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == "done")
            #expect(outcome.logs == [#"plain 1 {"a":[1,2]}"#, "from console", "info", "[warn] careful", "[error] TypeError: bad"])
        }
    }

    @Test func logLinesAreCapped() async throws {
        try await withPool { pool in
            // given
            var limits = SandboxLimits()
            limits.maxLogLines = 3

            // when
            let outcome = await pool.run("for (let i = 0; i < 10; i++) console.log('line', i);\nctx.log('x'.repeat(100000));\nreturn 1", limits: limits)

            // then
            #expect(outcome.value == 1)
            #expect(outcome.logs == ["line 0", "line 1", "line 2", "… 8 more log lines were dropped (the limit is 3 per call)"])
        }
    }

    @Test func logsSurviveAFailedCall() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("ctx.log('before');\nthrow new Error('after')")

            // then
            #expect(outcome.failure == .thrown("after"))
            #expect(outcome.logs == ["before"])
        }
    }
}
