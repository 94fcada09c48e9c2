import Vapor

/// An error with a stable snake_case code: the JSON API returns it as
/// `{"error": code, "message": reason}` and pages show the reason.
struct APIError: AbortError, Sendable {
    let status: HTTPResponseStatus
    let code: String
    let reason: String
    var headers: HTTPHeaders = [:]
    /// Every problem behind a refusal that has several (a spec's validation, the code scanners), where
    /// `reason` names the first few: the JSON body lists them all as `problems`.
    var problems: [Problem] = []
    /// What went wrong behind the answer (a provider's status and error code), for the log line only: the
    /// person reads `reason`; the operator tracing it needs this. Must be safe to log.
    var cause: String? = nil

    struct Problem: Codable, Sendable, Equatable {
        let path: String
        let message: String
    }

    init(_ status: HTTPResponseStatus, _ code: String, _ reason: String, headers: HTTPHeaders = [:]) {
        self.status = status
        self.code = code
        self.reason = reason
        self.headers = headers
    }

    /// The status of a page that shows this refusal beside a form's fields: what the JSON API calls
    /// malformed (400: an address without a domain, a name with a line break) is, in a form that parsed,
    /// typed input to correct, as every form here answers it (422).
    var formStatus: HTTPResponseStatus { status == .badRequest ? .unprocessableEntity : status }

    /// The database cannot be reached; the app recovers on its own once it is back.
    static let databaseUnavailable = APIError(.serviceUnavailable, "database_unavailable",
                                              "The database cannot be reached right now. Try again in a moment.",
                                              headers: ["Retry-After": "5"])

    /// The database cannot store anything (SQLite's disk full or read-only, PostgreSQL out of disk): a passing
    /// condition for the person asking, not a bug; the operator is told in the log.
    static let storageFull = APIError(.serviceUnavailable, "database_unavailable",
                                      "The database cannot store anything right now. Nothing was changed; try again in a minute.",
                                      headers: ["Retry-After": "30"])

    static let databaseBusy = APIError(.serviceUnavailable, "database_busy", "The database is busy. Nothing was changed; try again in a moment.",
                                       headers: ["Retry-After": "1"])

    static func rateLimited(retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, "rate_limited", "Too many attempts. Try again in \(waitPhrase(seconds: retryAfter)).",
                 headers: ["Retry-After": String(retryAfter)])
    }

    /// "45 seconds", "9 minutes", "2 hours": rounded up, so waiting as long as it says is always enough.
    static func waitPhrase(seconds: Int) -> String {
        func plural(_ count: Int, _ unit: String) -> String { "\(count) \(unit)\(count == 1 ? "" : "s")" }
        if seconds < 90 { return plural(max(seconds, 1), "second") }
        if seconds < 90 * 60 { return plural((seconds + 59) / 60, "minute") }
        return plural((seconds + 3599) / 3600, "hour")
    }
}
