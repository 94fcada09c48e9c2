import Drafting
import Vapor

extension APIError {
    /// The one answer for each drafting failure; pages show `reason` as is.
    init(_ error: DraftingError, timeoutSeconds: Double) {
        switch error {
        case .specTooLarge:
            self.init(.unprocessableEntity, "spec_too_large",
                      "The draft grew larger than the model may answer in one go. Describe fewer tools, or split the idea into two servers.")
        case .specInvalid(let message):
            self.init(.unprocessableEntity, "spec_invalid",
                      "The drafted server did not pass validation: \(message.hasSuffix(".") ? message : message + ".") Try again, or describe the tools more precisely.")
        case .timeout:
            self.init(.gatewayTimeout, "preview_timeout",
                      "Drafting took longer than \(Int(timeoutSeconds)) seconds and was stopped. Try again, or describe a smaller server.")
        case .upstream(let message):
            self.init(.badGateway, "upstream_error", "The drafting model failed: \(message) Try again in a moment.")
        case .rateLimited(let seconds):
            let wait = seconds ?? 30
            self.init(.serviceUnavailable, "upstream_rate_limited",
                      "The drafting model is busy right now. Try again in \(wait) seconds.",
                      headers: ["Retry-After": String(wait)])
        case .providerAccount(let message):
            self.init(.badGateway, "upstream_error",
                      "The drafting model cannot be used right now: \(message) Waiting will not help; the operator of this deployment has to fix its key or top up its credit.")
        case .requestRefused(let message):
            self.init(.badGateway, "upstream_error",
                      "The drafting model cannot take this request: \(message.hasSuffix(".") ? message : message + ".") Trying again will not help; if it names the model or the address, the operator of this deployment has to fix the drafting settings.")
        case .declined:
            self.init(.unprocessableEntity, "spec_invalid",
                      "The model declined to draft this server. Describe what its tools should do in other words and try again.")
        case .streamingUnavailable:
            self.init(.conflict, "streaming_unavailable", "This drafting model cannot stream; the draft is made in one piece instead.")
        }
    }
}
