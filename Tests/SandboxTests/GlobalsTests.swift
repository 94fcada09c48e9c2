import Core
import Testing
@testable import Sandbox

@Suite("Available globals")
struct GlobalsTests {
    @Test func urlBuildsAndParses() async throws {
        try await withPool { pool in
            // given
            let implementation = """
                const url = new URL("https://api.example.com/v1/search");
                url.searchParams.set("name", args.city);
                url.searchParams.append("count", "1");
                const relative = new URL("../other?x=1#frag", "https://Example.COM:443/a/b/c");
                const ip = new URL("http://0x7f.1/");
                return [url.toString(), url.searchParams.get("name"), relative.href, relative.host, relative.hash, ip.hostname,
                        URL.canParse("not a url"), new URL("https://münchen.de/").hostname];
                """

            // when
            let outcome = await pool.run(implementation, arguments: ["city": "São Paulo & co"])

            // then
            #expect(outcome.value == [
                "https://api.example.com/v1/search?name=S%C3%A3o+Paulo+%26+co&count=1",
                "São Paulo & co",
                "https://example.com/a/other?x=1#frag",
                "example.com",
                "#frag",
                "127.0.0.1",
                false,
                "xn--mnchen-3ya.de",
            ])
        }
    }

    @Test func btoaAndAtobWorkAsInBrowsers() async throws {
        try await withPool { pool in
            // given
            let implementation = """
                const attempt = (f) => { try { return f(); } catch (error) { return `${error.name}: ${error.message}`.slice(0, 40); } };
                const bytes = new TextEncoder().encode('ü€');
                return [
                  btoa('user:pa ss'), btoa(''), btoa('a'), btoa('ab'), btoa(String.fromCharCode(0, 255)),
                  atob('dXNlcjpwYSBzcw=='), atob(' dXNl\\ncjpw YSBzcw '), atob('YQ'), atob(btoa('\\u00ff\\u0000')).length,
                  new TextDecoder().decode(Uint8Array.from(atob(btoa(String.fromCharCode(...bytes))), c => c.charCodeAt(0))),
                  attempt(() => btoa('€')), attempt(() => atob('a')), attempt(() => atob('ab$c')), attempt(() => btoa()),
                ];
                """

            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == [
                "dXNlcjpwYSBzcw==", "", "YQ==", "YWI=", "AP8=",
                "user:pa ss", "user:pa ss", "a", 2, "ü€",
                "InvalidCharacterError: btoa: the string ", "InvalidCharacterError: atob: the string ",
                "InvalidCharacterError: atob: the string ", "TypeError: btoa: 1 argument required",
            ], "\(outcome.result)")
        }
    }

    @Test func urlIsLoadedOnFirstUseAndBehavesLikeAPlainGlobal() async throws {
        try await withPool { pool in
            // when: the class is read, then replaced by the tool
            let implementation = """
                const before = Object.getOwnPropertyDescriptor(globalThis, "URLSearchParams");
                const listedBefore = Object.keys(globalThis).includes("URL");
                const first = URL;
                const after = Object.getOwnPropertyDescriptor(globalThis, "URL");
                const same = first === URL && new URL("https://a.example/").href === "https://a.example/";
                URLSearchParams = 42;
                return [typeof before.get, listedBefore, typeof after.value, after.writable, after.enumerable, after.configurable,
                        same, URLSearchParams, "URL" in globalThis];
                """
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == ["function", false, "function", true, false, true, true, 42, true])
            // and the next call starts with the untouched accessor again
            #expect(await pool.run("return typeof URLSearchParams").value == "function")
        }
    }

    @Test func invalidURLsThrowTypeError() async throws {
        try await withPool { pool in
            // when
            let outcome = await pool.run("new URL('no scheme here')")

            // then
            #expect(outcome.failure == .thrown("TypeError: Invalid URL: no scheme here"))
        }
    }

    @Test func urlSearchParamsSerialisesFormData() async throws {
        try await withPool { pool in
            // given
            let implementation = """
                const params = new URLSearchParams({ q: "a b", emoji: "😀" });
                params.append("q", "c&d");
                const parsed = new URLSearchParams("?x=1&y=%E2%82%AC&x=2&plus=a+b");
                return [params.toString(), parsed.getAll("x"), parsed.get("y"), parsed.get("plus"), [...parsed.keys()].length];
                """

            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == ["q=a+b&emoji=%F0%9F%98%80&q=c%26d", ["1", "2"], "€", "a b", 4])
        }
    }

    @Test func textEncoderAndDecoderUseUTF8() async throws {
        try await withPool { pool in
            // given
            let implementation = """
                const bytes = new TextEncoder().encode("é€😀");
                const decoded = new TextDecoder().decode(bytes);
                const repaired = new TextDecoder().decode(new Uint8Array([0x61, 0xff, 0x62]));
                let fatal = "accepted";
                try { new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array([0xc3])); } catch (e) { fatal = e.name; }
                return [Array.from(bytes), decoded, repaired, fatal];
                """

            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == [[0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80], "é€😀", "a\u{FFFD}b", "TypeError"])
        }
    }

    @Test("TextDecoder's stream option keeps a sequence cut by a chunk boundary for the next chunk")
    func textDecoderStreams() async throws {
        try await withPool { pool in
            // given "€" (E2 82 AC) and "😀" (F0 9F 98 80) cut across chunks, a BOM cut in two, and a stream ending mid-sequence
            let implementation = """
                const decoder = new TextDecoder();
                const euro = [decoder.decode(new Uint8Array([0x61, 0xe2, 0x82]), { stream: true }),
                              decoder.decode(new Uint8Array([0xac]), { stream: true }),
                              decoder.decode(new Uint8Array([0xf0]), { stream: true }),
                              decoder.decode(new Uint8Array([0x9f, 0x98, 0x80, 0x62]))];
                const bom = new TextDecoder();
                const bomParts = [bom.decode(new Uint8Array([0xef, 0xbb]), { stream: true }),
                                  bom.decode(new Uint8Array([0xbf, 0x41]), { stream: true }),
                                  bom.decode(new Uint8Array([0xef, 0xbb, 0xbf]))];
                const cut = new TextDecoder();
                const ended = [cut.decode(new Uint8Array([0x7a, 0xe2]), { stream: true }), cut.decode()];
                const strict = new TextDecoder("utf-8", { fatal: true });
                strict.decode(new Uint8Array([0xe2, 0x82]), { stream: true });
                let fatal = "accepted";
                try { strict.decode(); } catch (e) { fatal = e.name; }
                const invalid = new TextDecoder().decode(new Uint8Array([0x61, 0xe0, 0x80]), { stream: true });
                return [euro, bomParts, ended, fatal, invalid];
                """

            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == [["a", "€", "", "😀b"], ["", "A", "\u{FEFF}"], ["z", "\u{FFFD}"], "TypeError", "a\u{FFFD}\u{FFFD}"])
        }
    }

    @Test func cryptoRandomUUIDGivesVersion4UUIDs() async throws {
        try await withPool { pool in
            // given
            let implementation = """
                const ids = Array.from({ length: 50 }, () => crypto.randomUUID());
                const pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
                const bytes = crypto.getRandomValues(new Uint8Array(32));
                return [ids.every((id) => pattern.test(id)), new Set(ids).size, bytes.some((b) => b !== 0)];
                """

            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == [true, 50, true])
        }
    }

    @Test func onlyTheDocumentedHostGlobalsExist() async throws {
        try await withPool { pool in
            // given
            let implementation = """
                return ["fetch", "setTimeout", "setInterval", "queueMicrotask", "require", "process", "WebAssembly", "importScripts",
                        "URL", "URLSearchParams", "TextEncoder", "TextDecoder", "crypto", "console", "JSON", "Map", "Intl"]
                  .map((name) => `${name}:${typeof globalThis[name]}`);
                """

            // when
            let outcome = await pool.run(implementation)

            // then
            #expect(outcome.value == [
                "fetch:undefined", "setTimeout:undefined", "setInterval:undefined", "queueMicrotask:undefined",
                "require:undefined", "process:undefined", "WebAssembly:undefined", "importScripts:undefined",
                "URL:function", "URLSearchParams:function", "TextEncoder:function", "TextDecoder:function",
                "crypto:object", "console:object", "JSON:object", "Map:function", "Intl:object",
            ])
        }
    }

    @Test func everyCallGetsAFreshGlobalObject() async throws {
        try await withPool { pool in
            // given
            let pollute = "globalThis.counter = (globalThis.counter ?? 0) + 1; Array.prototype.polluted = true; return globalThis.counter"

            // when
            let first = await pool.run(pollute)
            let second = await pool.run(pollute)
            let check = await pool.run("return [typeof globalThis.counter, [].polluted === undefined]")

            // then
            #expect(first.value == 1)
            #expect(second.value == 1)
            #expect(check.value == ["undefined", true])
        }
    }
}
