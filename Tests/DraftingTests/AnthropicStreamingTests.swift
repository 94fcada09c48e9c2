import AsyncHTTPClient
import Core
import Drafting
import Foundation
import Testing

@Suite struct AnthropicStreamingTests {
    private func drafter(_ server: ScriptedStreamServer, _ client: HTTPClient, timeout: Duration = .seconds(5))
        -> AnthropicDrafter
    {
        AnthropicDrafter(
            configuration: .init(apiKey: Fixtures.apiKey, baseURL: server.baseURL, timeout: timeout),
            httpClient: client
        )
    }

    @Test func streamsTheToolInputAndFinishesWithTheSpec() async throws {
        // given a stream cut inside "ü" and "🌤", with pings between events
        let specJSON = Fixtures.json(Fixtures.weatherSpec)
        let bytes = Array(AnthropicBodies.toolUseStream(specJSON, pieces: 6).utf8)
        let chunks = Fixtures.split(bytes, at: Fixtures.midCharacterOffsets(in: bytes, count: 4))
        #expect(chunks.count == 5)

        try await withServer(.events(chunks)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Fixtures.request))

            // then
            #expect(error == nil)
            #expect(events.streamedText == specJSON)
            #expect(events.result == DraftResult(spec: Fixtures.weatherSpec, model: AnthropicBodies.model))
            #expect(events.result?.spec.name == "Zürich Weather 🌤")
            let json = try #require(server.requests.first?.jsonObject)
            #expect(json["stream"] as? Bool == true)
            #expect(server.requests.first?.header("accept") == "text/event-stream")
        }
    }

    @Test func streamsTextDeltasAndFindsTheSpecInThem() async throws {
        // given
        let text = "Here you go:\n```json\n\(Fixtures.json(Fixtures.weatherSpec))\n```"
        let stream =
            AnthropicBodies.messageStart + AnthropicBodies.textBlockStart + AnthropicBodies.textDelta("Here you go:\n")
            + AnthropicBodies.ping + AnthropicBodies.textDelta(String(text.dropFirst("Here you go:\n".count)))
            + AnthropicBodies.blockStop + AnthropicBodies.messageDelta(stopReason: "end_turn")
            + AnthropicBodies.messageStop

        try await withServer(.events(stream)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Fixtures.request))

            // then
            #expect(error == nil)
            #expect(events.streamedText == text)
            #expect(events.result?.spec == Fixtures.weatherSpec)
        }
    }

    @Test func stoppingAtTheTokenLimitIsTooLarge() async throws {
        // given
        let stream = AnthropicBodies.toolUseStream(
            String(Fixtures.json(Fixtures.weatherSpec).prefix(120)), stopReason: "max_tokens"
        )

        try await withServer(.events(stream)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Fixtures.request))

            // then
            #expect(error as? DraftingError == .specTooLarge)
            #expect(events.result == nil)
        }
    }

    @Test(arguments: [
        ("overloaded_error", "Overloaded", DraftingError.rateLimited(retryAfterSeconds: nil)),
        ("rate_limit_error", "Slow down", DraftingError.rateLimited(retryAfterSeconds: nil)),
        (
            "api_error", "Internal server error",
            DraftingError.upstream("Anthropic reported an error: Internal server error.")
        ),
    ])
    func anErrorEventMidStreamIsTyped(type: String, message: String, expected: DraftingError) async throws {
        // given
        let stream =
            AnthropicBodies.messageStart + AnthropicBodies.toolBlockStart + AnthropicBodies.jsonDelta("{\"name\": ")
            + AnthropicBodies.error(type: type, message: message)

        try await withServer(.events(stream)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Fixtures.request))

            // then
            #expect(error as? DraftingError == expected)
            #expect(events == [.text("{\"name\": ")])
        }
    }

    @Test(arguments: [ScriptedExchange.Ending.close, .complete])
    func aStreamThatEndsBeforeMessageStopIsUpstream(ending: ScriptedExchange.Ending) async throws {
        // given the connection drops (or the body ends) halfway through the tool input
        let specJSON = Fixtures.json(Fixtures.weatherSpec)
        let stream =
            AnthropicBodies.messageStart + AnthropicBodies.toolBlockStart
            + AnthropicBodies.jsonDelta(String(specJSON.prefix(60)))

        try await withServer(.events(stream, ending: ending)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Fixtures.request))

            // then
            #expect(error as? DraftingError == .upstream("Anthropic's answer ended before the draft was complete."))
            #expect(events.streamedText == String(specJSON.prefix(60)))
        }
    }

    @Test func aStreamThatStallsTimesOutWithinTheLimit() async throws {
        // given a stream that starts, then sends nothing more
        let stream = AnthropicBodies.messageStart + AnthropicBodies.toolBlockStart + AnthropicBodies.jsonDelta("{")

        try await withServer(.events(stream, ending: .hang)) { server, client in
            let clock = ContinuousClock()
            let start = clock.now

            // when
            let (events, error) = await collect(drafter(server, client, timeout: .seconds(1)).stream(Fixtures.request))

            // then
            #expect(error as? DraftingError == .timeout)
            #expect(events == [.text("{")])
            #expect(clock.now - start < .seconds(10), "the 1 s limit ended it, not the server")
        }
    }

    @Test func aSilentServerTimesOutWhileStreaming() async throws {
        try await withServer(.hangBeforeHead) { server, client in
            // given
            let clock = ContinuousClock()
            let start = clock.now

            // when
            let (events, error) = await collect(drafter(server, client, timeout: .seconds(1)).stream(Fixtures.request))

            // then
            #expect(error as? DraftingError == .timeout)
            #expect(events.isEmpty)
            #expect(clock.now - start < .seconds(10), "the 1 s limit ended it, not the server")
        }
    }

    @Test func rateLimitingBeforeTheStreamPassesOnRetryAfter() async throws {
        // given
        let body = #"{"type":"error","error":{"type":"rate_limit_error","message":"Too many requests"}}"#

        try await withServer(.json(body, status: 429, headers: [("Retry-After", "30")])) { server, client in
            // when
            let (_, error) = await collect(drafter(server, client).stream(Fixtures.request))

            // then
            #expect(error as? DraftingError == .rateLimited(retryAfterSeconds: 30))
        }
    }

    @Test func anInvalidSpecEndsTheStreamWithTheValidatorsMessage() async throws {
        // given
        let summary = try #require(Fixtures.validatorSummary(Fixtures.invalidSpec))
        let stream = AnthropicBodies.toolUseStream(Fixtures.json(Fixtures.invalidSpec))

        try await withServer(.events(stream)) { server, client in
            // when
            let (events, error) = await collect(drafter(server, client).stream(Fixtures.request))

            // then
            #expect(error as? DraftingError == .specInvalid(summary))
            #expect(events.result == nil)
        }
    }

    @Test func stoppingToListenCancelsTheRequest() async throws {
        // given a stream that would go on for a long time
        let stream = AnthropicBodies.messageStart + AnthropicBodies.toolBlockStart + AnthropicBodies.jsonDelta("{")

        try await withServer(.events(stream, ending: .hang)) { server, client in
            // when the consumer leaves after the first event
            for try await event in drafter(server, client, timeout: .seconds(30)).stream(Fixtures.request) {
                #expect(event == .text("{"))
                break
            }

            // then the connection is closed long before the 30 s limit
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(3)
            while server.closedConnections == 0, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(server.closedConnections == 1)
        }
    }
}
