@testable import App
import Foundation
import Testing

/// The build runner and the mail sender sleep on this latch between polls; if a wait ever stopped
/// waiting, they would query the database in a tight loop (the runner once did, after the first timeout).
@Suite("Wake signal", .timeLimit(.minutes(1)))
struct WakeSignalTests {
    static func timed(_ body: () async -> Void) async -> Duration {
        let start = ContinuousClock.now
        await body()
        return ContinuousClock.now - start
    }

    @Test("with no signal every wait lasts its timeout, not just the first")
    func waitsTimeOutEveryTime() async {
        let signal = WakeSignal()
        for round in 1...3 {
            let waited = await Self.timed { await signal.wait(timeout: .milliseconds(200)) }
            #expect(waited >= .milliseconds(180), "round \(round) returned after \(waited)")
        }
    }

    @Test("a signal sent before the wait ends it at once, and counts only once")
    func earlySignal() async {
        let signal = WakeSignal()
        signal.signal()
        signal.signal()
        #expect(await Self.timed { await signal.wait(timeout: .seconds(20)) } < .seconds(15))
        #expect(await Self.timed { await signal.wait(timeout: .milliseconds(200)) } >= .milliseconds(180))
    }

    @Test("a signal during a wait wakes it, also after earlier timeouts")
    func signalWakesWaiter() async {
        let signal = WakeSignal()
        await signal.wait(timeout: .milliseconds(50))
        let waited = await Self.timed {
            async let waiting: Void = signal.wait(timeout: .seconds(20))
            try? await Task.sleep(for: .milliseconds(100))
            signal.signal()
            await waiting
        }
        #expect(waited < .seconds(15))
    }

    @Test("cancelling the waiting task ends the wait")
    func cancellation() async {
        let signal = WakeSignal()
        let waited = await Self.timed {
            let task = Task { await signal.wait(timeout: .seconds(20)) }
            try? await Task.sleep(for: .milliseconds(100))
            task.cancel()
            await task.value
        }
        #expect(waited < .seconds(15))
    }

    @Test("a task cancelled before it waits does not wait")
    func cancelledBeforeWaiting() async {
        // given a task that is already cancelled when it starts waiting
        let signal = WakeSignal()
        let waited = await Self.timed {
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                await signal.wait(timeout: .seconds(20))
            }
            await task.value
        }
        // then the wait ends at once instead of after its timeout
        #expect(waited < .seconds(15))
    }
}
