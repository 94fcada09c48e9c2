import Core
import Vapor

extension APIError {
    /// The one mapping from Core's rule violations to HTTP answers.
    init(_ violation: some RuleViolation) {
        switch violation.kind {
        case .forbidden:
            self.init(.forbidden, violation.code, violation.message)
        case .conflict:
            self.init(.conflict, violation.code, violation.message)
        case .planLimit:
            self.init(.paymentRequired, violation.code, violation.message)
        case .exhausted(let seconds):
            self.init(.tooManyRequests, violation.code, violation.message, headers: ["Retry-After": String(seconds)])
        }
    }

    /// An email address that does not parse: 400 with the parser's code and words.
    init(_ error: EmailAddressError) {
        self.init(.badRequest, error.code, error.message)
    }
}
