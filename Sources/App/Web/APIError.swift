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

    /// The database cannot be reached; the app recovers on its own once it is back.
    static let databaseUnavailable = APIError(.serviceUnavailable, "database_unavailable",
                                              "The database cannot be reached right now. Try again in a moment.",
                                              headers: ["Retry-After": "5"])

    static func rateLimited(retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, "rate_limited", "Too many attempts. Try again in \(retryAfter) seconds.",
                 headers: ["Retry-After": String(retryAfter)])
    }
}
