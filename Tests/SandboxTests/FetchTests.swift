import Core
import Foundation
import Testing
@testable import Sandbox

@Suite("ctx.fetch")
struct FetchTests {
    @Test func performsTheRequestThroughTheFetcher() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher.echo()
            let implementation = """
                const response = await ctx.fetch("https://api.example.com/v1/items?x=1", {
                  method: "post",
                  headers: { "Content-Type": "application/json", "Authorization": `Bearer ${ctx.secrets.TOKEN}` },
                  body: JSON.stringify({ name: args.name })
                });
                const data = await response.json();
                return [response.status, response.ok, response.statusText, response.url,
                        response.headers.get("content-type"), response.headers.get("X-TRACE"), response.headers.get("missing"),
                        data.method, data.body];
                """

            // when
            let outcome = await pool.run(implementation, arguments: ["name": "widget"], secrets: ["TOKEN": "t0ken-value"], fetcher: fetcher)

            // then
            #expect(outcome.value == [
                200, true, "OK", "https://api.example.com/v1/items?x=1",
                "application/json", "a", nil,
                "POST", #"{"name":"widget"}"#,
            ])
            #expect(outcome.fetchCount == 1)
            let request = try #require(fetcher.requests.first)
            #expect(request.method == "POST")
            #expect(request.headers == [
                SandboxHeader(name: "Content-Type", value: "application/json"),
                SandboxHeader(name: "Authorization", value: "Bearer t0ken-value"),
            ])
            #expect(request.body == Array(#"{"name":"widget"}"#.utf8))
            #expect(request.maxResponseBytes == SandboxLimits.standard.maxResponseBytes)
        }
    }

    @Test("the redirect option reaches the fetcher; without it redirects are followed")
    func redirectOption() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher.echo()

            // when
            let outcome = await pool.run("""
                await ctx.fetch("https://api.example.com/a", { redirect: "manual" });
                await ctx.fetch("https://api.example.com/b", { redirect: "error" });
                await ctx.fetch("https://api.example.com/c");
                return 1;
                """, fetcher: fetcher)

            // then
            #expect(outcome.value == 1)
            #expect(fetcher.requests.map(\.redirect) == ["manual", "error", "follow"])
        }
    }

    @Test func formBodiesAndBytesAreSent() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher.echo()
            let implementation = """
                await ctx.fetch("https://a.example/form", { method: "POST", body: new URLSearchParams({ q: "a b" }) });
                await ctx.fetch("https://a.example/bytes", { method: "PUT", body: new Uint8Array([0, 255, 1]) });
                const target = new URL("https://a.example/object");
                target.searchParams.set("q", "x y");
                await ctx.fetch(target);
                return "sent";
                """

            // when
            let outcome = await pool.run(implementation, fetcher: fetcher)

            // then
            #expect(outcome.value == "sent")
            let requests = fetcher.requests
            #expect(requests.count == 3)
            #expect(requests.first?.body == Array("q=a+b".utf8))
            #expect(requests.first?.headers == [SandboxHeader(name: "Content-Type", value: "application/x-www-form-urlencoded;charset=UTF-8")])
            #expect(requests.dropFirst().first?.body == [0, 255, 1])
            #expect(requests.last?.url == "https://a.example/object?q=x+y", "a URL object is fetched by its href")
        }
    }

    @Test func sequentialAwaitsEachGetTheirResponse() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher.echo()
            let implementation = """
                const first = await (await ctx.fetch("https://a.example/1")).json();
                const second = await (await ctx.fetch("https://a.example/2?after=" + encodeURIComponent(first.url))).json();
                const third = await (await ctx.fetch("https://a.example/3")).text();
                return [first.url, second.url, JSON.parse(third).url];
                """

            // when
            let outcome = await pool.run(implementation, fetcher: fetcher)

            // then
            #expect(outcome.value == [
                "https://a.example/1",
                "https://a.example/2?after=https%3A%2F%2Fa.example%2F1",
                "https://a.example/3",
            ])
            #expect(outcome.fetchCount == 3)
        }
    }

    @Test func promiseAllRunsFetchesConcurrently() async throws {
        try await withPool { pool in
            // given: the fetcher answers only once all three requests are in flight
            let fetcher = RendezvousFetcher(count: 3)
            let implementation = """
                const responses = await Promise.all([1, 2, 3].map((n) => ctx.fetch(`https://a.example/${n}`)));
                return Promise.all(responses.map((r) => r.text()));
                """

            // when
            let outcome = await pool.run(implementation, fetcher: fetcher)

            // then
            #expect(outcome.value == ["met", "met", "met"])
            #expect(outcome.fetchCount == 3)
        }
    }

    @Test func aRefusedFetchRejectsWithTheFetchersMessage() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher { request in .failed("\(request.url) is not in this server's allowedDomains") }

            // when
            let uncaught = await pool.run("await ctx.fetch('https://evil.example/')", fetcher: fetcher)
            let caught = await pool.run("try { await ctx.fetch('https://evil.example/') } catch (e) { return [e instanceof Error, e.message] }", fetcher: fetcher)

            // then
            #expect(uncaught.failure == .thrown("https://evil.example/ is not in this server's allowedDomains"))
            #expect(caught.value == [true, "https://evil.example/ is not in this server's allowedDomains"])
        }
    }

    @Test func fetchesBeyondTheLimitFail() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher.echo()
            var limits = SandboxLimits.patient
            limits.maxFetches = 3

            // when
            let uncaught = await pool.run("for (let i = 0; i < 5; i++) await ctx.fetch('https://a.example/' + i)", limits: limits, fetcher: fetcher)
            let caught = await pool.run("""
                const results = [];
                for (let i = 0; i < 5; i++) {
                  try { await ctx.fetch('https://a.example/' + i); results.push('ok'); } catch (e) { results.push(e.message); }
                }
                return results;
                """, limits: limits, fetcher: fetcher)

            // then
            #expect(uncaught.failure == .tooManyFetches)
            let limitMessage = JSONValue.string("ctx.fetch was called more than 3 times; that is the limit per call")
            #expect(caught.value == ["ok", "ok", "ok", limitMessage, limitMessage])
            #expect(fetcher.requests.count == 6)
        }
    }

    @Test func oversizedResponsesAreRefused() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher { request in
                .completed(SandboxHTTPResponse(status: 200, body: [UInt8](repeating: 65, count: 2048), finalURL: request.url))
            }
            var limits = SandboxLimits.patient
            limits.maxResponseBytes = 1024

            // when
            let outcome = await pool.run("return (await ctx.fetch('https://big.example/')).text()", limits: limits, fetcher: fetcher)

            // then
            #expect(outcome.failure == .responseTooLarge)
            #expect(fetcher.requests.first?.maxResponseBytes == 1024)
        }
    }

    @Test func errorStatusesAreResponsesNotFailures() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher { request in
                .completed(SandboxHTTPResponse(status: 404, statusText: "Not Found", body: Array("nope".utf8), finalURL: request.url))
            }
            let implementation = """
                const response = await ctx.fetch("https://api.example.com/missing");
                if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
                """

            // when
            let outcome = await pool.run(implementation, fetcher: fetcher)

            // then
            #expect(outcome.failure == .thrown("HTTP 404: nope"))
        }
    }

    @Test(arguments: [
        ("await ctx.fetch('file:///etc/passwd')", "TypeError: ctx.fetch only supports http and https URLs, not file:"),
        ("await ctx.fetch('/relative')", #"TypeError: ctx.fetch: "/relative" is not an absolute URL"#),
        ("await ctx.fetch('https://a.example/', { method: 'POST', body: { a: 1 } })",
         "TypeError: ctx.fetch: init.body must be a string (use JSON.stringify for JSON), URLSearchParams or bytes"),
        ("await ctx.fetch('https://a.example/', { redirect: 'follow-please' })",
         #"TypeError: ctx.fetch: redirect must be "follow", "error" or "manual", not "follow-please""#),
        ("await ctx.fetch('https://a.example/', { headers: { 'X-Bad': 'a\\r\\nInjected: 1' } })",
         #"TypeError: ctx.fetch: the value of header "X-Bad" contains a line break"#),
    ])
    func malformedRequestsNeverReachTheFetcher(implementation: String, message: String) async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher.echo()

            // when
            let outcome = await pool.run(implementation, fetcher: fetcher)

            // then
            #expect(outcome.failure == .thrown(message))
            #expect(fetcher.requests.isEmpty)
        }
    }

    @Test func invalidJSONBodiesGiveAClearError() async throws {
        try await withPool { pool in
            // given
            let fetcher = RecordingFetcher { request in
                .completed(SandboxHTTPResponse(status: 200, body: Array("<html>".utf8), finalURL: request.url))
            }

            // when
            let outcome = await pool.run("return (await ctx.fetch('https://a.example/')).json()", fetcher: fetcher)

            // then
            guard case .thrown(let message) = outcome.failure else {
                Issue.record("expected a thrown error, got \(outcome.result)")
                return
            }
            #expect(message.hasPrefix("SyntaxError: The response body is not valid JSON"))
        }
    }
}
