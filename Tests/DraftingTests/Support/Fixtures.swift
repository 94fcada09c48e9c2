import AsyncHTTPClient
import Core
import Drafting
import Foundation
import Testing

enum Fixtures {
    /// Not a real credential; tests check it never leaks into bodies or errors.
    static let apiKey = "test-key-not-real"

    /// A spec that passes the validator, with text that is multi-byte in UTF-8 ("ü" is 2 bytes, "🌤" is 4).
    static let weatherSpec = ServerSpec(
        name: "Zürich Weather 🌤",
        slug: "zurich-weather",
        description: "Forecasts for Zürich and other cities.",
        tools: [
            ToolSpec(
                name: "get_forecast",
                description: "Today's forecast for a city.",
                inputSchema: [
                    "type": "object",
                    "properties": ["city": ["type": "string", "description": "City name, such as Zürich"]],
                    "required": ["city"],
                ],
                implementation: """
                    const url = new URL('https://api.example.com/forecast');
                    url.searchParams.set('q', args.city);
                    const res = await ctx.fetch(url.toString(), { headers: { 'X-Api-Key': ctx.secrets.WEATHER_API_KEY } });
                    if (!res.ok) throw new Error('forecast service answered ' + res.status);
                    return await res.json();
                    """
            )
        ],
        requiredSecrets: [RequiredSecret(key: "WEATHER_API_KEY", description: "Key for the forecast service")],
        allowedDomains: ["api.example.com"]
    )

    /// Decodes, but breaks the contract: the tool name is not lower_snake_case.
    static var invalidSpec: ServerSpec {
        var spec = weatherSpec
        spec.tools[0].name = "Get-Forecast"
        return spec
    }

    static func json(_ spec: ServerSpec) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(spec), as: UTF8.self)
    }

    /// `text` as a JSON string literal, quotes included.
    static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(text), as: UTF8.self)
    }

    static let request = DraftRequest(
        prompt: "A server that tells me the weather in Zürich.", model: "claude-sonnet-4-5")

    /// The summary the validator gives for `spec`, or nil when it passes.
    static func validatorSummary(_ spec: ServerSpec) -> String? {
        do {
            try SpecValidator.check(spec)
            return nil
        } catch {
            return error.summary
        }
    }

    /// `bytes` cut into pieces at the given offsets.
    static func split(_ bytes: [UInt8], at offsets: [Int]) -> [[UInt8]] {
        var pieces: [[UInt8]] = []
        var start = 0
        for offset in offsets.sorted() {
            pieces.append(Array(bytes[start..<offset]))
            start = offset
        }
        pieces.append(Array(bytes[start...]))
        return pieces
    }

    /// Offsets that fall inside multi-byte UTF-8 characters: after the first byte of each of the first `count`.
    static func midCharacterOffsets(in bytes: [UInt8], count: Int) -> [Int] {
        Array(bytes.indices.filter { bytes[$0] >= 0xC0 }.map { $0 + 1 }.prefix(count))
    }
}

/// Runs `body` against a scripted provider with a fresh HTTP client, and shuts both down whatever happens.
func withServer<T>(
    _ script: [ScriptedExchange],
    _ body: (ScriptedStreamServer, HTTPClient) async throws -> T
) async throws -> T {
    let server = try await ScriptedStreamServer.start(script)
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    let result: Result<T, any Error>
    do {
        result = .success(try await body(server, client))
    } catch {
        result = .failure(error)
    }
    try await client.shutdown()
    await server.stop()
    return try result.get()
}

func withServer<T>(
    _ exchange: ScriptedExchange,
    _ body: (ScriptedStreamServer, HTTPClient) async throws -> T
) async throws -> T {
    try await withServer([exchange], body)
}

/// The ``DraftingError`` `operation` threw, or nil when it succeeded; any other error fails the test.
func draftingError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> Void
) async -> DraftingError? {
    do {
        try await operation()
        return nil
    } catch let error as DraftingError {
        return error
    } catch {
        Issue.record("expected a DraftingError, got \(type(of: error))", sourceLocation: sourceLocation)
        return nil
    }
}

/// Every event of `stream`, and the error it finished with.
func collect(_ stream: AsyncThrowingStream<DraftEvent, any Error>) async -> (events: [DraftEvent], error: (any Error)?)
{
    var events: [DraftEvent] = []
    do {
        for try await event in stream { events.append(event) }
        return (events, nil)
    } catch {
        return (events, error)
    }
}

extension [DraftEvent] {
    var streamedText: String {
        compactMap { if case .text(let text) = $0 { text } else { nil } }.joined()
    }

    var result: DraftResult? {
        guard case .spec(let result) = last else { return nil }
        return result
    }
}

/// What any rendering of `error` shows names none of `secrets`.
func expectLogSafe(_ error: (any Error)?, hiding secrets: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    guard let error else {
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return
    }
    for shown in [String(describing: error), String(reflecting: error), error.localizedDescription] {
        for secret in secrets {
            #expect(!shown.contains(secret), "\(shown) reveals a secret", sourceLocation: sourceLocation)
        }
    }
}
