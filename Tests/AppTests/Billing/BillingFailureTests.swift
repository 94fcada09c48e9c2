@testable import App
import Billing
import Testing

@Suite("What a person is told when Stripe fails, and what the log keeps")
struct BillingFailureTests {
    @Test("an answer Stripe may have applied is never called unchanged", arguments: [
        StripeError.invalidResponse(status: 200), .idempotency(StripeErrorDetail(status: 409, type: "idempotency_error")), .timeout, .unreachable,
    ])
    func mayHaveApplied(error: StripeError) {
        let answer = BillingFailure.from(error)
        #expect(answer.code == "stripe_unavailable")
        #expect(answer.reason.contains("may or may not have been applied"))
        #expect(!answer.reason.contains("Nothing was changed"))
    }

    @Test("a refusal says nothing changed, and the log line gets Stripe's status, code and request id")
    func refused() {
        let detail = StripeErrorDetail(status: 400, type: "invalid_request_error", code: "parameter_unknown", param: "ui_mode",
                                       message: "Received unknown parameter: ui_mode", requestID: "req_abc123")
        let answer = BillingFailure.from(.invalidRequest(detail))
        #expect(answer.code == "stripe_error")
        #expect(answer.reason.contains("Nothing was changed"))
        let cause = answer.cause ?? ""
        #expect(cause.contains("400") && cause.contains("parameter_unknown") && cause.contains("req_abc123"), "\(cause)")
        #expect(!cause.contains("Received unknown parameter"), "Stripe's message may quote customer data")
        #expect(BillingFailure.from(.invalidResponse(status: 500)).code == "stripe_error")
    }
}
