import AsyncHTTPClient
import Core
import Foundation
import NIOCore

/// What came back: the status, Stripe's request id, its `Stripe-Should-Retry` advice and the whole body (never more
/// than the transport's limit).
struct StripeResponse: Sendable {
    var status: Int
    var requestID: String?
    var shouldRetry: Bool? = nil
    var body: [UInt8]
}

/// One bounded round trip. AsyncHTTPClient's `timeout` only covers the response head, so the whole exchange, body
/// included, races the same timeout. A failure becomes `.timeout` or `.unreachable`; the underlying error (which may
/// name the URL) is not passed on.
struct StripeTransport: Sendable {
    let httpClient: HTTPClient
    let timeout: TimeAmount
    let responseLimit: Int

    func exchange(_ request: HTTPClientRequest) async throws(StripeError) -> StripeResponse {
        let httpClient = self.httpClient
        let timeout = self.timeout
        let limit = self.responseLimit
        do {
            return try await withThrowingTaskGroup(of: StripeResponse.self) { group in
                group.addTask {
                    try await Self.roundTrip(request, httpClient: httpClient, timeout: timeout, limit: limit)
                }
                group.addTask {
                    try await Task.sleep(nanoseconds: UInt64(max(timeout.nanoseconds, 0)))
                    throw StripeError.timeout
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw StripeError.timeout }
                return first
            }
        } catch let error as StripeError {
            throw error
        } catch let error as HTTPClientError
            where [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error)
        {
            throw .timeout
        } catch {
            throw .unreachable
        }
    }

    private static func roundTrip(
        _ request: HTTPClientRequest,
        httpClient: HTTPClient,
        timeout: TimeAmount,
        limit: Int
    ) async throws -> StripeResponse {
        let response = try await httpClient.execute(request, timeout: timeout)
        let status = Int(response.status.code)
        var body: [UInt8] = []
        // Stopping early drops the rest of the stream; AsyncHTTPClient then closes that connection.
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= limit else { throw StripeError.invalidResponse(status: status) }
            body.append(contentsOf: chunk.readableBytesView)
        }
        let advice = response.headers.first(name: "Stripe-Should-Retry").map { $0.lowercased() }
        return StripeResponse(status: status, requestID: response.headers.first(name: "Request-Id"),
                              shouldRetry: advice == "true" ? true : advice == "false" ? false : nil, body: body)
    }
}

/// Stripe's base URL, checked once when the client is built (see `ServiceBaseURL`: plain
/// http only on loopback, so a typo in `STRIPE_API_BASE` cannot send the key in clear text).
struct StripeEndpoint: Sendable {
    private let base: String

    init(_ baseURL: String) throws(StripeError) {
        do {
            base = try ServiceBaseURL(baseURL).text
        } catch {
            throw .misconfigured(error.message)
        }
    }

    func url(_ path: String, query: String = "") -> String {
        query.isEmpty ? base + path : base + path + "?" + query
    }
}
