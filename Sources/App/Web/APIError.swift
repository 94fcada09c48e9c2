import Vapor

/// An error with a stable snake_case code: the JSON API returns it as
/// `{"error": code, "message": reason}` and pages show the reason.
struct APIError: AbortError, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let reason: String
    var headers: HTTPHeaders = [:]

    init(_ status: HTTPResponseStatus, _ code: String, _ reason: String, headers: HTTPHeaders = [:]) {
        self.status = status
        self.code = code
        self.reason = reason
        self.headers = headers
    }

    static func rateLimited(retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, "rate_limited", "Too many attempts. Try again in \(retryAfter) seconds.",
                 headers: ["Retry-After": String(retryAfter)])
    }
}
