import Core
import Foundation
import Testing

@Suite("Rate-limit windows")
struct RateLimitWindowTests {
    static let start = Date(timeIntervalSince1970: 1_000_000)
    static let rule = RateLimitRule(limit: 3, window: 600)

    @Test("hits count up to the limit, the next one is refused with the time left")
    func countsThenRefuses() {
        // given
        var window: RateLimitWindow?
        var outcomes: [RateLimitWindow.Outcome] = []
        // when: four hits, one a minute
        for minute in 0..<4 {
            let (next, outcome) = RateLimitWindow.hit(window, rule: Self.rule, now: Self.start.addingTimeInterval(Double(minute * 60)))
            window = next
            outcomes.append(outcome)
        }
        // then
        #expect(outcomes == [.allowed, .allowed, .allowed, .exceeded(retryAfterSeconds: 420)])
        #expect(window == RateLimitWindow(start: Self.start, count: 4))
    }

    @Test("a window that ended starts over")
    func startsOver() {
        let full = RateLimitWindow(start: Self.start, count: 9)
        let (next, outcome) = RateLimitWindow.hit(full, rule: Self.rule, now: Self.start.addingTimeInterval(600))
        #expect(outcome == .allowed)
        #expect(next == RateLimitWindow(start: Self.start.addingTimeInterval(600), count: 1))
    }

    @Test("sign-in sends per address come from configuration; the rest are fixed")
    func policy() {
        let policy = RateLimitPolicy(signInSendsPerIP: 500)
        #expect(policy.signInSendsPerIP == RateLimitRule(limit: 500, window: 600))
        #expect(RateLimitPolicy().signInSendsPerIP.limit == 20)
        #expect(policy.signInSendsPerTargetAndClient == RateLimitRule(limit: 3, window: 600))
        #expect(policy.signInSendsPerTarget == RateLimitRule(limit: 10, window: 3600))
        #expect(policy.signInVerifiesPerPhone == RateLimitRule(limit: 100, window: 86_400))
    }
}
