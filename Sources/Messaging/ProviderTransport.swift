import AsyncHTTPClient
import NIOCore

/// What came back from a provider: the status and at most ``ProviderTransport/responseLimit`` bytes of body.
struct ProviderResponse: Sendable {
    var status: Int
    var body: [UInt8]
}

/// One bounded round trip. AsyncHTTPClient's `timeout` only covers the response head, so the whole exchange,
/// body included, races the same timeout; any transport failure becomes `.unavailable(status: nil)` and the
/// underlying error (which may name the URL) is not passed on.
struct ProviderTransport: Sendable {
    static let responseLimit = 64 * 1024

    let httpClient: HTTPClient
    let timeout: TimeAmount

    func exchange(_ request: HTTPClientRequest) async throws(DeliveryError) -> ProviderResponse {
        let httpClient = self.httpClient
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: ProviderResponse.self) { group in
                group.addTask {
                    try await Self.roundTrip(request, httpClient: httpClient, timeout: timeout)
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(max(timeout.nanoseconds, 0)))
                    throw TimedOut()
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw TimedOut() }
                return first
            }
        } catch {
            throw .unavailable(status: nil)
        }
    }

    private static func roundTrip(
        _ request: HTTPClientRequest,
        httpClient: HTTPClient,
        timeout: TimeAmount
    ) async throws -> ProviderResponse {
        let response = try await httpClient.execute(request, timeout: timeout)
        var body: [UInt8] = []
        // Stopping early drops the rest of the stream; AsyncHTTPClient then closes that connection.
        for try await chunk in response.body {
            body.append(contentsOf: chunk.readableBytesView.prefix(responseLimit - body.count))
            if body.count >= responseLimit { break }
        }
        return ProviderResponse(status: Int(response.status.code), body: body)
    }

    private struct TimedOut: Error {}
}
