@testable import App
import Foundation
import Testing

/// `/readyz` and `/status` answer within their deadline even when the database neither answers nor refuses.
struct DeadlineTests {
    @Test("an operation that ignores cancellation is given up on at the deadline, not when it ends")
    func operationIgnoringCancellation() async throws {
        // given an operation that, like a query already sent to a hung database, runs on when cancelled
        let started = ContinuousClock.now
        // when
        await #expect(throws: DeadlineExceeded.self) {
            try await withDeadline(seconds: 0.2) {
                await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                    DispatchQueue.global().asyncAfter(deadline: .now() + 3) { done.resume() }
                }
            }
        }
        // then the caller was answered at the deadline
        #expect(ContinuousClock.now - started < .seconds(1.5))
    }

    @Test("a quick operation's result and error come through")
    func quickOperation() async throws {
        try await withDeadline(seconds: 2) {}
        struct Failed: Error {}
        await #expect(throws: Failed.self) { try await withDeadline(seconds: 2) { throw Failed() } }
    }
}
