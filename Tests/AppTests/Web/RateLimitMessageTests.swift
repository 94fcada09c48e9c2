@testable import App
import Testing

@Suite("Rate-limit messages")
struct RateLimitMessageTests {
    @Test("the wait is said in the unit a person reads, rounded up", arguments: [
        (1, "1 second"), (45, "45 seconds"), (89, "89 seconds"), (90, "2 minutes"), (502, "9 minutes"),
        (5_399, "90 minutes"), (5_400, "2 hours"), (7_200, "2 hours"), (7_201, "3 hours"),
    ])
    func waitPhrase(seconds: Int, phrase: String) {
        #expect(APIError.waitPhrase(seconds: seconds) == phrase)
        #expect(APIError.rateLimited(retryAfter: seconds).reason == "Too many attempts. Try again in \(phrase).")
        #expect(APIError.rateLimited(retryAfter: seconds).headers.first(name: "Retry-After") == String(seconds))
    }
}
