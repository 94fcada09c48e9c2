import Logging
import Vapor

/// The first middleware: reads the caller's trace, switches the request's logger to JSON
/// when configured, and when the response is ready writes the request's one log line
/// (route pattern, status, duration) and counts it in the metrics. Replaces Vapor's
/// `RouteLoggingMiddleware`, which logged the raw path — ids, and tokens where a path
/// carries one — before the outcome was known.
struct RequestObservationMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = ContinuousClock.now
        let trace = request.headers.first(name: TraceContext.headerName).flatMap(TraceContext.init(traceparent:)) ?? .fresh()
        request.trace = trace
        if request.application.config.logFormat == .json {
            let current = request.logger
            let sink = request.application.logSink
            request.logger = Logger(label: current.label) { _ in
                JSONLogHandler(sink: sink, level: current.logLevel, metadata: current.handler.metadata)
            }
        }
        request.logger[metadataKey: "trace_id"] = .string(trace.traceID)
        do {
            let response = try await next.respond(to: request)
            finish(request, status: response.status, since: started)
            return response
        } catch {
            // The error page middleware inside answers almost everything; what escapes it
            // becomes Vapor's own error response.
            finish(request, status: (error as? any AbortError)?.status ?? .internalServerError, since: started)
            throw error
        }
    }

    private func finish(_ request: Request, status: HTTPResponseStatus, since started: ContinuousClock.Instant) {
        let duration = ContinuousClock.now - started
        let route = Self.pattern(request.route)
        let method = request.method.rawValue
        request.application.metrics.requestAnswered(method: Self.knownMethods.contains(method) ? method : "other", route: route,
                                                    status: status.code, duration: duration)
        let milliseconds = (duration / .microseconds(1)).rounded() / 1000
        request.logger.info("\(method) \(route) \(status.code)", metadata: [
            "method": .string(method),
            "route": .string(route),
            "status": .stringConvertible(status.code),
            "duration_ms": .stringConvertible(milliseconds),
        ])
    }

    /// A client may send any token as a method; each would be a new series.
    static let knownMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    /// The matched route's path with parameters as `:name` — never the URL, whose ids
    /// would make every request a new series — or `unmatched`.
    static func pattern(_ route: Route?) -> String {
        guard let route else { return "unmatched" }
        return "/" + route.path.map(\.description).joined(separator: "/")
    }
}
