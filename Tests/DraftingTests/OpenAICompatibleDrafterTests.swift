import AsyncHTTPClient
import Core
import Drafting
import Foundation
import Testing

@Suite struct OpenAICompatibleDrafterTests {
    private func drafter(
        _ server: ScriptedStreamServer,
        _ client: HTTPClient,
        apiKey: String? = Fixtures.apiKey,
        modelOverride: String? = nil,
        timeout: Duration = .seconds(5)
    ) -> OpenAICompatibleDrafter {
        OpenAICompatibleDrafter(
            configuration: .init(
                apiKey: apiKey, baseURL: server.baseURL + "/v1/", timeout: timeout, modelOverride: modelOverride
            ),
            httpClient: client
        )
    }

    private static let request = DraftRequest(prompt: "Weather for Zürich.", model: "glm-4.5-air")

    @Test func streamsTextUntilDoneAndFinishesWithTheSpec() async throws {
        // given a fenced answer streamed in pieces cut inside multi-byte characters
        let text = "```json\n\(Fixtures.json(Fixtures.weatherSpec))\n```"
        let bytes = Array(OpenAIBodies.stream(text, pieces: 5).utf8)
        let chunks = Fixtures.split(bytes, at: Fixtures.midCharacterOffsets(in: bytes, count: 3))

        try await withServer(.events(chunks)) { server, client in
            // when
            let (events, error) = await collect(
                drafter(server, client, modelOverride: "glm4:9b").stream(Self.request)
            )

            // then
            #expect(error == nil)
            #expect(events.streamedText == text)
            #expect(events.result == DraftResult(spec: Fixtures.weatherSpec, model: OpenAIBodies.model))
            let sent = try #require(server.requests.first)
            #expect(sent.uri == "/v1/chat/completions")
            #expect(sent.header("authorization") == "Bearer \(Fixtures.apiKey)")
            #expect(!sent.bodyText.contains(Fixtures.apiKey))
            let json = try #require(sent.jsonObject)
            #expect(json["model"] as? String == "glm4:9b")
            #expect(json["stream"] as? Bool == true)
            #expect(json["tools"] == nil)
            let messages = try #require(json["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["system", "user"])
            #expect(messages.first?["content"] as? String == DraftPrompt.system(answer: .jsonText))
            #expect(messages.last?["content"] as? String == DraftPrompt.userMessage(for: Self.request))
        }
    }

    @Test func draftsWithoutStreaming() async throws {
        // given
        let body = OpenAIBodies.completion(content: "```json\n\(Fixtures.json(Fixtures.weatherSpec))\n```")

        try await withServer(.json(body)) { server, client in
            // when
            let result = try await drafter(server, client, apiKey: nil).draft(Self.request)

            // then
            #expect(result == DraftResult(spec: Fixtures.weatherSpec, model: OpenAIBodies.model))
            let sent = try #require(server.requests.first)
            #expect(sent.header("authorization") == nil)
            #expect(try #require(sent.jsonObject)["model"] as? String == "glm-4.5-air")
            #expect(try #require(sent.jsonObject)["stream"] == nil)
        }
    }

    @Test func findsBareJSONAfterAPreamble() async throws {
        // given
        let body = OpenAIBodies.completion(content: "Okay, here it is: \(Fixtures.json(Fixtures.weatherSpec))")

        try await withServer(.json(body)) { server, client in
            // when
            let result = try await drafter(server, client).draft(Self.request)

            // then
            #expect(result.spec == Fixtures.weatherSpec)
        }
    }

    @Test func readsToolCallArgumentsWhenTheServerSendsThem() async throws {
        // given a server that answers with a tool call although none was offered
        let arguments = Fixtures.quoted(Fixtures.json(Fixtures.weatherSpec))
        let body = """
            {"model":"\(OpenAIBodies.model)","choices":[{"index":0,"message":{"role":"assistant","content":null,\
            "tool_calls":[{"id":"call_1","type":"function","function":{"name":"submit_server_spec","arguments":\(arguments)}}]},\
            "finish_reason":"tool_calls"}]}
            """

        try await withServer(.json(body)) { server, client in
            // when
            let result = try await drafter(server, client).draft(Self.request)

            // then
            #expect(result.spec == Fixtures.weatherSpec)
        }
    }

    @Test func stoppingAtTheLengthLimitIsTooLarge() async throws {
        // given
        let stream = OpenAIBodies.stream(
            String(Fixtures.json(Fixtures.weatherSpec).prefix(100)), finishReason: "length")

        try await withServer(.events(stream)) { server, client in
            // when
            let (_, error) = await collect(drafter(server, client).stream(Self.request))

            // then
            #expect(error as? DraftingError == .specTooLarge)
        }
    }

    @Test func stoppingAtTheLengthLimitWithoutStreamingIsTooLarge() async throws {
        // given
        let body = OpenAIBodies.completion(content: "{\"name\": \"Wea", finishReason: "length")

        try await withServer(.json(body)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Self.request) }

            // then
            #expect(error == .specTooLarge)
        }
    }

    @Test func rateLimitingPassesOnRetryAfter() async throws {
        // given
        let body = #"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#

        try await withServer(.json(body, status: 429, headers: [("Retry-After", "5")])) { server, client in
            // when
            let (_, error) = await collect(drafter(server, client).stream(Self.request))

            // then
            #expect(error as? DraftingError == .rateLimited(retryAfterSeconds: 5))
        }
    }

    @Test(arguments: [("1e300", 86_400), ("9223372036854775807", 86_400), ("2.5", 3), ("86401", 86_400), ("-1", nil), ("soon", nil)] as [(String, Int?)])
    func anOutlandishRetryAfterIsCappedAtADay(header: String, seconds: Int?) async throws {
        // given: a gateway that misbehaves (`1e300` once converted to an Int by trapping, stopping the app)
        let body = #"{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}"#

        try await withServer(.json(body, status: 429, headers: [("Retry-After", header)])) { server, client in
            // when
            let (_, error) = await collect(drafter(server, client).stream(Self.request))

            // then
            #expect(error as? DraftingError == .rateLimited(retryAfterSeconds: seconds))
        }
    }

    @Test func aQuotaErrorIsNotRateLimiting() async throws {
        // given: OpenAI's answer to an account without credit, with HTTP 429 like a rate limit
        let body = #"{"error":{"message":"You exceeded your current quota, please check your plan and billing details.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#

        try await withServer(.json(body, status: 429)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Self.request) }

            // then
            #expect(error == .providerAccount("The model server's account is out of credit or quota (HTTP 429)."))
        }
        // and with OpenAI's x-request-id, the id is named for its support
        try await withServer(.json(body, status: 429, headers: [("x-request-id", "req_6c1f0e2b9a")])) { server, client in
            let error = await draftingError { _ = try await drafter(server, client).draft(Self.request) }
            #expect(error == .providerAccount("The model server's account is out of credit or quota (HTTP 429, request req_6c1f0e2b9a)."))
        }
    }

    @Test func aContentFilterOrARefusalIsDeclined() async throws {
        // given: the answer withheld by a content filter
        try await withServer(.json(OpenAIBodies.completion(content: "", finishReason: "content_filter"))) { server, client in
            let error = await draftingError { _ = try await drafter(server, client).draft(Self.request) }
            #expect(error == .declined)
        }
        // and a refusal streamed in place of content
        let refusal = #"data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"refusal":"I can't help with that."},"finish_reason":null}]}"#
            + "\n\n" + OpenAIBodies.chunk(content: nil, finishReason: "stop") + OpenAIBodies.done
        try await withServer(.events(refusal)) { server, client in
            let (_, error) = await collect(drafter(server, client).stream(Self.request))
            #expect(error as? DraftingError == .declined)
        }
    }

    @Test func anErrorBodyIsShownWithoutTheKey() async throws {
        // given
        let body = #"{"error":{"message":"model 'glm-4.5-air' not found for \#(Fixtures.apiKey)","type":"api_error"}}"#

        try await withServer(.json(body, status: 404)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Self.request) }

            // then
            // a model the server does not have: trying again cannot help
            #expect(
                error == .requestRefused("The model server answered HTTP 404: model 'glm-4.5-air' not found for [redacted]."))
            expectLogSafe(error, hiding: [Fixtures.apiKey])
        }
    }

    @Test func anErrorChunkMidStreamIsUpstream() async throws {
        // given
        let stream = OpenAIBodies.chunk(content: "{") + #"data: {"error":{"message":"backend crashed"}}"# + "\n\n"

        try await withServer(.events(stream)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Self.request))

            // then
            #expect(error as? DraftingError == .upstream("The model server reported an error: backend crashed."))
            #expect(events == [.text("{")])
        }
    }

    @Test func aStreamCutBeforeItsEndIsUpstream() async throws {
        // given no finish reason and no [DONE] before the connection drops
        let stream = OpenAIBodies.chunk(content: "{\"name\": ")

        try await withServer(.events(stream, ending: .close)) { server, client in
            // when
            let (_, error) = await collect(drafter(server, client).stream(Self.request))

            // then
            #expect(
                error as? DraftingError == .upstream("The model server's answer ended before the draft was complete."))
        }
    }

    @Test func aStreamWithAFinishReasonButNoDoneStillCompletes() async throws {
        // given
        let stream = OpenAIBodies.stream(Fixtures.json(Fixtures.weatherSpec), withDone: false)

        try await withServer(.events(stream)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Self.request))

            // then
            #expect(error == nil)
            #expect(events.result?.spec == Fixtures.weatherSpec)
        }
    }

    @Test func anInvalidSpecCarriesTheValidatorsMessage() async throws {
        // given
        let summary = try #require(Fixtures.validatorSummary(Fixtures.invalidSpec))
        let body = OpenAIBodies.completion(content: Fixtures.json(Fixtures.invalidSpec))

        try await withServer(.json(body)) { server, client in
            // when
            let error = await draftingError { _ = try await drafter(server, client).draft(Self.request) }

            // then
            #expect(error == .specInvalid(summary))
        }
    }

    @Test func aStallingServerTimesOutWithinTheLimit() async throws {
        // given
        let stream = OpenAIBodies.chunk(content: "{")

        try await withServer(.events(stream, ending: .hang)) { server, client in
            let clock = ContinuousClock()
            let start = clock.now

            // when
            let (_, error) = await collect(drafter(server, client, timeout: .seconds(1)).stream(Self.request))

            // then
            #expect(error as? DraftingError == .timeout)
            #expect(clock.now - start < .seconds(10), "the 1 s limit ended it, not the server")
        }
    }

    @Test func showsTheModelItAsksFor() async throws {
        // given
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let plain = OpenAICompatibleDrafter(
            configuration: .init(baseURL: "http://localhost:11434/v1"), httpClient: client)
        let overridden = OpenAICompatibleDrafter(
            configuration: .init(baseURL: "http://localhost:11434/v1", modelOverride: "qwen2.5-coder:7b"),
            httpClient: client
        )

        // when
        let names = (plain.displayName, overridden.displayName)
        try await client.shutdown()

        // then
        #expect(names == ("GLM-4.5-Air", "qwen2.5-coder:7b"))
    }
}
