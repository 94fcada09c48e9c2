import AsyncHTTPClient
import Messaging
import Testing

/// Runs `body` against a scripted provider with a fresh HTTP client, and shuts both down whatever happens.
func withProvider<T>(
    replying reply: ScriptedReply,
    _ body: (ScriptedHTTPServer, HTTPClient) async throws -> T
) async throws -> T {
    let server = try await ScriptedHTTPServer.start(replying: reply)
    let client = HTTPClient()
    let result: Result<T, any Error>
    do {
        result = .success(try await body(server, client))
    } catch {
        result = .failure(error)
    }
    try await client.shutdown()
    try await server.stop()
    return try result.get()
}

/// The ``DeliveryError`` `operation` threw, or nil when it succeeded; any other error fails the test.
func deliveryError(
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: () async throws -> Void
) async -> DeliveryError? {
    do {
        try await operation()
        return nil
    } catch let error as DeliveryError {
        return error
    } catch {
        Issue.record("expected a DeliveryError, got \(type(of: error))", sourceLocation: sourceLocation)
        return nil
    }
}

/// Log safety: what `String(describing:)` and `String(reflecting:)` show of an error names none of `secrets`.
func expectLogSafe(_ error: DeliveryError?, hiding secrets: [String], sourceLocation: SourceLocation = #_sourceLocation)
{
    guard let error else {
        Issue.record("expected an error", sourceLocation: sourceLocation)
        return
    }
    for shown in [String(describing: error), String(reflecting: error), "\(error)"] {
        for secret in secrets {
            #expect(!shown.contains(secret), "\(shown) reveals a secret", sourceLocation: sourceLocation)
        }
    }
}
