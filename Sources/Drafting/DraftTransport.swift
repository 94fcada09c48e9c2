import AsyncHTTPClient
import Core
import Foundation
import NIOCore

/// The HTTP side both providers share: one hard deadline over connect, head and the whole
/// body, bounded reads, and failures turned into ``DraftingError``s that are safe to show.
///
/// AsyncHTTPClient's own deadline stops applying once the response head has arrived, so the
/// whole exchange races a sleep instead; losing the race cancels the request.
struct DraftTransport: Sendable {
    /// A spec is a few dozen kilobytes; anything near this is a runaway answer.
    static let responseLimit = 8 * 1024 * 1024
    static let errorBodyLimit = 64 * 1024

    let httpClient: HTTPClient
    let timeout: Duration
    /// Names the provider in messages: "Anthropic", "The model server".
    let provider: String
    /// Never shown, even when a provider echoes it back in an error message.
    let secrets: [String]

    var endedEarly: DraftingError { .upstream("\(provider)'s answer ended before the draft was complete.") }

    /// A streaming draft as events under the deadline: text as `draft` emits it,
    /// then the result. When the consumer stops listening the task, and with it
    /// the HTTP request, is cancelled.
    func events(
        _ draft: @escaping @Sendable (_ emit: @escaping @Sendable (String) -> Void) async throws -> DraftResult
    ) -> AsyncThrowingStream<DraftEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do throws(DraftingError) {
                    let result = try await withDeadline {
                        try await draft { continuation.yield(.text($0)) }
                    }
                    continuation.yield(.spec(result))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    func withDeadline<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws(DraftingError)
        -> T
    {
        let timeout = self.timeout
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw DraftingError.timeout
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw DraftingError.timeout }
                return first
            }
        } catch let error as DraftingError {
            throw error
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            // AsyncHTTPClient's deadline for the response head can beat the race by a moment.
            throw .timeout
        } catch {
            // Transport errors can name hosts and internals; a fixed phrase is all that is shown.
            throw .upstream("\(provider) could not be reached.")
        }
    }

    /// Sends `request` and returns the response when it is a success; otherwise reads the
    /// error body and throws what it means. A transient failure before anything was drafted
    /// (``isTransient(status:shouldRetry:)``) is tried once more after ``retryPause``, still
    /// under the draft's one deadline, as the providers' own SDKs do.
    func send(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        var retried = false
        while true {
            let response = try await httpClient.execute(request, deadline: .now() + Self.timeAmount(timeout))
            if (200..<300).contains(response.status.code) { return response }
            let body = try await read(response, limit: Self.errorBodyLimit, truncating: true)
            let status = Int(response.status.code)
            if !retried, Self.isTransient(status: status, shouldRetry: response.headers.first(name: "x-should-retry")) {
                retried = true
                try await Task.sleep(for: Self.retryPause)
                continue
            }
            throw failure(status: status, retryAfter: response.headers.first(name: "retry-after"), body: body,
                          requestID: Self.requestID(of: response))
        }
    }

    static let retryPause = Duration.seconds(1)

    /// Anthropic's `x-should-retry` decides when present; otherwise an overloaded or failing server (5xx, 529). A
    /// 429 is not retried here: the person is told how long to wait.
    static func isTransient(status: Int, shouldRetry: String?) -> Bool {
        switch shouldRetry?.lowercased() {
        case "true": return true
        case "false": return false
        default: return status >= 500
        }
    }

    /// The whole body; more than ``responseLimit`` bytes is a runaway answer.
    func read(_ response: HTTPClientResponse, limit: Int = Self.responseLimit, truncating: Bool = false) async throws
        -> [UInt8]
    {
        var body: [UInt8] = []
        for try await chunk in response.body {
            guard body.count + chunk.readableBytes <= limit else {
                if truncating {
                    body.append(contentsOf: chunk.readableBytesView.prefix(limit - body.count))
                    break
                }
                throw DraftingError.specTooLarge
            }
            body.append(contentsOf: chunk.readableBytesView)
        }
        return body
    }

    /// Feeds the body's server-sent events to `handle` until it returns false or the body
    /// ends. A connection that breaks mid-stream is reported as an answer that ended early.
    func forEachEvent(
        of response: HTTPClientResponse,
        _ handle: (ServerSentEvent) throws -> Bool
    ) async throws {
        var parser = ServerSentEventParser()
        var received = 0
        do {
            for try await chunk in response.body {
                received += chunk.readableBytes
                if received > Self.responseLimit { throw DraftingError.specTooLarge }
                for event in parser.consume(chunk.readableBytesView) {
                    guard try handle(event) else { return }
                }
            }
        } catch let error as DraftingError {
            throw error
        } catch {
            try Task.checkCancellation()
            throw endedEarly
        }
        for event in parser.finish() {
            guard try handle(event) else { return }
        }
    }

    /// What a failed answer means. The provider's request id (``requestID(of:)``), when it sent one, is named in the
    /// message: it is what the provider's support asks for, and the message is both shown and logged.
    func failure(status: Int, retryAfter: String?, body: [UInt8], requestID: String? = nil) -> DraftingError {
        let detail = ProviderErrorBody(body)
        let http = "HTTP \(status)" + (requestID.map { ", request \($0)" } ?? "")
        if detail.isOutOfCredit || status == 402 {
            return .providerAccount("\(provider)'s account is out of credit or quota (\(http)).")
        }
        if status == 429 || status == 529 || detail.isRateLimit {
            return .rateLimited(retryAfterSeconds: retryAfter.flatMap(Self.seconds(retryAfter:)))
        }
        if status == 401 || status == 403 {
            return .providerAccount("\(provider) refused the API key (\(http)).")
        }
        let answered = "\(provider) answered \(http)" + (detail.message.flatMap(safe).map { ": " + $0 } ?? ".")
        if [400, 404, 413, 422].contains(status) {
            return .requestRefused(answered)
        }
        return .upstream(answered)
    }

    /// An error a provider reported inside a stream (whose response head carried `requestID`).
    func failure(streamed detail: ProviderErrorBody, requestID: String? = nil) -> DraftingError {
        let reference = requestID.map { " (request \($0))" } ?? ""
        if detail.isOutOfCredit { return .providerAccount("\(provider)'s account is out of credit or quota\(reference).") }
        if detail.isRateLimit { return .rateLimited(retryAfterSeconds: nil) }
        if let message = detail.message.flatMap(safe) { return .upstream("\(provider) reported an error\(reference): \(message)") }
        return .upstream("\(provider) reported an error\(reference).")
    }

    /// Anthropic's `request-id`, or `x-request-id` as OpenAI and most compatible servers send it, if it looks like
    /// an id (ASCII letters, digits, `-`, `_`; at most 100): anything else a server sends there is not repeated.
    static func requestID(of response: HTTPClientResponse) -> String? {
        guard let id = response.headers.first(name: "request-id") ?? response.headers.first(name: "x-request-id"),
              !id.isEmpty, id.count <= 100,
              id.unicodeScalars.allSatisfy({ ($0.isASCII && CharacterSet.alphanumerics.contains($0)) || $0 == "-" || $0 == "_" })
        else { return nil }
        return id
    }

    /// A provider's own words, made fit to show: secrets removed, no control characters, short.
    func safe(_ message: String) -> String? {
        var text = message
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "[redacted]")
        }
        // Control characters, and text-direction ones, which would show the words in another order.
        text = String(text.unicodeScalars.filter { $0.properties.generalCategory != .control && !DisplayName.isBidiControl($0) }
            .map(Character.init))
        text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        if text.count > 300 { return String(text.prefix(300)) + "…" }
        // Our advice follows it ("Try again in a moment."): it ends as a sentence of its own.
        return ".!?…".contains(text.last!) ? text : text + "."
    }

    /// The longest wait a provider's `Retry-After` is passed on as: a day. Beyond that the figure means nothing to
    /// a person, and `1e300` would not even convert to `Int` (a trap, so any misbehaving gateway could stop the app).
    static let longestRetryAfter = 86_400

    /// `Retry-After` in whole seconds, at most `longestRetryAfter`; the HTTP-date form is rare from APIs and is ignored.
    static func seconds(retryAfter value: String) -> Int? {
        let raw = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(raw), seconds >= 0 { return min(seconds, longestRetryAfter) }
        if let seconds = Double(raw), seconds.isFinite, seconds >= 0 { return Int(min(seconds, Double(longestRetryAfter)).rounded(.up)) }
        return nil
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}

extension DraftTransport {
    /// `base` + `path` with exactly one slash between them, whatever the configuration wrote.
    static func url(_ base: String, _ path: String) -> String {
        var base = base.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        return path.hasPrefix("/") ? base + path : base + "/" + path
    }

    static let userAgent = "BuildMyMCPServer"

    /// A JSON POST to a provider: `headers` (its authentication) first, then what every provider gets.
    static func post(_ url: String, headers: [(String, String)], body: some Encodable, streaming: Bool) throws(DraftingError) -> HTTPClientRequest {
        var http = HTTPClientRequest(url: url)
        http.method = .POST
        for (name, value) in headers { http.headers.add(name: name, value: value) }
        http.headers.add(name: "content-type", value: "application/json")
        http.headers.add(name: "accept", value: streaming ? "text/event-stream" : "application/json")
        http.headers.add(name: "user-agent", value: userAgent)
        http.body = try jsonBody(body)
        return http
    }

    static func jsonBody(_ value: some Encodable) throws(DraftingError) -> HTTPClientRequest.Body {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return .bytes(ByteBuffer(bytes: try encoder.encode(value)))
        } catch {
            throw .upstream("The draft request could not be encoded.")
        }
    }
}
