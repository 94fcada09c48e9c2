import AsyncHTTPClient
import Core
import Drafting
import Foundation
import Testing

@Suite struct AnthropicDrafterTests {
    private func drafter(_ server: ScriptedStreamServer, _ client: HTTPClient, timeout: Duration = .seconds(5))
        -> AnthropicDrafter
    {
        AnthropicDrafter(
            configuration: .init(
                apiKey: Fixtures.apiKey, baseURL: server.baseURL + "/", timeout: timeout, maxTokens: 4096),
            httpClient: client
        )
    }

    @Test func draftsFromTheForcedToolCall() async throws {
        // given
        let body = AnthropicBodies.message(content: AnthropicBodies.toolUse(Fixtures.json(Fixtures.weatherSpec)))
        let request = DraftRequest(prompt: "Weather for Zürich, please.", model: "claude-haiku-4-5")

        try await withServer(.json(body)) { server, client in
            // when
            let result = try await drafter(server, client).draft(request)

            // then
            #expect(result == DraftResult(spec: Fixtures.weatherSpec, model: AnthropicBodies.model))
            let sent = try #require(server.requests.first)
            #expect(sent.method == .POST)
            #expect(sent.uri == "/v1/messages")
            #expect(sent.header("x-api-key") == Fixtures.apiKey)
            #expect(sent.header("anthropic-version") == "2023-06-01")
            #expect(sent.header("content-type") == "application/json")
            #expect(!sent.bodyText.contains(Fixtures.apiKey))
            let json = try #require(sent.jsonObject)
            #expect(json["model"] as? String == "claude-haiku-4-5")
            #expect(json["max_tokens"] as? Int == 4096)
            #expect(json["stream"] == nil)
            #expect(json["system"] as? String == DraftPrompt.system(answer: .toolCall))
            let choice = try #require(json["tool_choice"] as? [String: Any])
            #expect(choice["type"] as? String == "tool")
            #expect(choice["name"] as? String == "submit_server_spec")
            let tools = try #require(json["tools"] as? [[String: Any]])
            #expect(tools.count == 1)
            #expect(tools.first?["name"] as? String == "submit_server_spec")
            #expect((tools.first?["input_schema"] as? [String: Any])?["type"] as? String == "object")
            let messages = try #require(json["messages"] as? [[String: Any]])
            #expect(messages.count == 1)
            #expect(messages.first?["role"] as? String == "user")
            #expect(messages.first?["content"] as? String == DraftPrompt.userMessage(for: request))
        }
    }

    @Test func fallsBackToJSONInATextBlock() async throws {
        // given a model that answered in prose around a fenced spec
        let text = "Here is the server you asked for.\n\n```json\n\(Fixtures.json(Fixtures.weatherSpec))\n```"
        let body = AnthropicBodies.message(content: AnthropicBodies.textBlock(text), stopReason: "end_turn")

        try await withServer(.json(body)) { server, client in
            // when
            let result = try await drafter(server, client).draft(Fixtures.request)

            // then
            #expect(result.spec == Fixtures.weatherSpec)
        }
    }

    @Test func stoppingAtTheTokenLimitIsTooLarge() async throws {
        // given
        let partial = String(Fixtures.json(Fixtures.weatherSpec).prefix(80))
        let body = AnthropicBodies.message(content: AnthropicBodies.textBlock(partial), stopReason: "max_tokens")

        try await withServer(.json(body)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then
            #expect(error == .specTooLarge)
        }
    }

    @Test(arguments: [("refusal", DraftingError.declined), ("model_context_window_exceeded", .specTooLarge)])
    func stopReasonsWithoutADraft(stopReason: String, expected: DraftingError) async throws {
        // given: a refusal can come after some text, and a full context window cuts the answer off
        let body = AnthropicBodies.message(content: AnthropicBodies.textBlock("I can't help with"), stopReason: stopReason)

        try await withServer(.json(body)) { server, client in
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }
            #expect(error == expected)
        }
        // and the same at the end of a stream
        let stream = AnthropicBodies.toolUseStream(String(Fixtures.json(Fixtures.weatherSpec).prefix(60)), stopReason: stopReason)
        try await withServer(.events(stream)) { server, client in
            let (_, error) = await collect(drafter(server, client).stream(Fixtures.request))
            #expect(error as? DraftingError == expected)
        }
    }

    @Test func anAccountOutOfCreditIsNotRateLimiting() async throws {
        // given: Anthropic's billing error
        let body = #"{"type":"error","error":{"type":"billing_error","message":"Your credit balance is too low to access the Anthropic API."}}"#

        try await withServer(.json(body, status: 402)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then: told apart from "busy, try again"
            #expect(error == .providerAccount("Anthropic's account is out of credit or quota (HTTP 402)."))
        }
    }

    @Test func anInvalidSpecCarriesTheValidatorsMessage() async throws {
        // given
        let summary = try #require(Fixtures.validatorSummary(Fixtures.invalidSpec))
        let body = AnthropicBodies.message(content: AnthropicBodies.toolUse(Fixtures.json(Fixtures.invalidSpec)))

        try await withServer(.json(body)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then
            #expect(error == .specInvalid(summary))
        }
    }

    @Test func rateLimitingPassesOnRetryAfter() async throws {
        // given
        let body =
            #"{"type":"error","error":{"type":"rate_limit_error","message":"Number of requests has exceeded your rate limit."}}"#

        try await withServer(.json(body, status: 429, headers: [("Retry-After", "17")])) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then
            #expect(error == .rateLimited(retryAfterSeconds: 17))
        }
    }

    @Test func anOverloadBeforeTheDraftIsTriedOnceMore() async throws {
        // given: overloaded once, then the draft
        let overloaded = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
        let body = AnthropicBodies.message(content: AnthropicBodies.toolUse(Fixtures.json(Fixtures.weatherSpec)))

        try await withServer([.json(overloaded, status: 529), .json(body)]) { server, client in
            // when
            let result = try await drafter(server, client).draft(Fixtures.request)

            // then
            #expect(result.spec == Fixtures.weatherSpec)
            #expect(server.requests.count == 2)
        }
        // and a failure Anthropic marks as not worth retrying is not retried
        try await withServer([.json(overloaded, status: 500, headers: [("x-should-retry", "false")]), .json(body)]) { server, client in
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }
            #expect(error != nil)
            #expect(server.requests.count == 1)
        }
    }

    @Test func overloadIsRateLimiting() async throws {
        // given
        let body = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#

        try await withServer(.json(body, status: 529)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then
            #expect(error == .rateLimited(retryAfterSeconds: nil))
        }
    }

    @Test func aServerErrorIsUpstreamWithoutTheKey() async throws {
        // given a provider that echoes the key back in its error
        let body =
            #"{"type":"error","error":{"type":"api_error","message":"Internal error for key \#(Fixtures.apiKey)"}}"#

        try await withServer(.json(body, status: 500)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then
            #expect(error == .upstream("Anthropic answered HTTP 500: Internal error for key [redacted]."))
            expectLogSafe(error, hiding: [Fixtures.apiKey])
        }
    }

    @Test func theProvidersRequestIDIsNamedForSupportAndNothingElseInItsPlace() async throws {
        // given Anthropic's request-id header on a failure
        let body = #"{"type":"error","error":{"type":"api_error","message":"Internal server error"}}"#
        let failing = ScriptedExchange.json(body, status: 500, headers: [("x-should-retry", "false"), ("request-id", "req_011CSHoEeqs5C35K2UUqR7Fy")])

        try await withServer(failing) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then
            #expect(error == .upstream("Anthropic answered HTTP 500, request req_011CSHoEeqs5C35K2UUqR7Fy: Internal server error."))
        }
        // and a header that does not look like an id is not repeated
        let odd = ScriptedExchange.json(body, status: 500, headers: [("x-should-retry", "false"), ("request-id", "<b>see https://x.test</b>")])
        try await withServer(odd) { server, client in
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }
            #expect(error == .upstream("Anthropic answered HTTP 500: Internal server error."))
        }
        // and an error inside a stream names the id its response head carried
        var stream = ScriptedExchange.events(AnthropicBodies.messageStart + AnthropicBodies.error(type: "api_error", message: "Internal server error"))
        stream.headers.append(("request-id", "req_011Stream"))
        try await withServer(stream) { server, client in
            let (_, error) = await collect(drafter(server, client).stream(Fixtures.request))
            #expect(error as? DraftingError == .upstream("Anthropic reported an error (request req_011Stream): Internal server error."))
        }
    }

    @Test func aRefusedKeyIsUpstreamWithTheStatusOnly() async throws {
        // given
        let body = #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#

        try await withServer(.json(body, status: 401)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Fixtures.request) }

            // then
            #expect(error == .providerAccount("Anthropic refused the API key (HTTP 401)."))
            expectLogSafe(error, hiding: [Fixtures.apiKey])
        }
    }

    @Test func aSilentServerTimesOutWithinTheLimit() async throws {
        try await withServer(.hangBeforeHead) { server, client in
            // given
            let clock = ContinuousClock()
            let start = clock.now

            // when
            let error = await draftingError {
                _ = try await drafter(server, client, timeout: .seconds(1)).draft(Fixtures.request)
            }

            // then
            #expect(error == .timeout)
            #expect(clock.now - start < .seconds(10), "the 1 s limit ended it, not the server")
        }
    }

    @Test func anUnreachableServerIsUpstream() async throws {
        // given a port nothing listens on any more
        let server = try await ScriptedStreamServer.start(.json("{}"))
        let baseURL = server.baseURL
        await server.stop()
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(timeout: .init(connect: .milliseconds(300)))
        )
        let drafter = AnthropicDrafter(
            configuration: .init(apiKey: Fixtures.apiKey, baseURL: baseURL), httpClient: client)

        // when
        let error = await draftingError { _ = try await drafter.draft(Fixtures.request) }
        try await client.shutdown()

        // then
        #expect(error == .upstream("Anthropic could not be reached."))
    }

    @Test func showsTheConfiguredModelsFamily() async throws {
        // given
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let drafter = AnthropicDrafter(
            configuration: .init(apiKey: Fixtures.apiKey, model: "claude-opus-4-1"), httpClient: client
        )

        // when
        let shown = (drafter.displayName, drafter.isOffline, drafter.supportsStreaming)
        try await client.shutdown()

        // then
        #expect(shown == ("Claude Opus", false, true))
    }
}
