import Fluent
import Foundation
import Messaging
import Vapor

/// Sends what the mail queue holds (`MailQueue`), one email per attempt.
struct MailQueueSender: Sendable {
    let database: any Database
    let mailer: any Mailer
    let clock: AppClock
    let logger: Logger

    /// Sends every email due now; returns how many the provider accepted. A failed email waits for its next
    /// attempt (`MailRetry`) without holding up the others.
    @discardableResult
    func sendDue() async throws -> Int {
        var sent = 0
        while !Task.isCancelled, let email = try await queue().claimNext() {
            let failure: DeliveryError?
            do throws(DeliveryError) {
                try await mailer.send(email.message)
                failure = nil
            } catch {
                failure = error
            }
            guard let failure else {
                try await queue().delivered(email)
                sent += 1
                continue
            }
            let retryAt = MailRetry.next(after: failure, attempts: email.attempts, now: clock.now())
            try await queue().failed(email, failure, retryAt: retryAt)
            // The email's id, never its recipient: the row in `queued_emails` says the rest.
            if retryAt == nil {
                logger.error("queued email \(email.id?.uuidString ?? "?") given up on after \(email.attempts) attempt(s): \(failure)")
            } else {
                logger.warning("queued email \(email.id?.uuidString ?? "?") not sent (attempt \(email.attempts)), will retry: \(failure)")
            }
        }
        return sent
    }

    private func queue() -> MailQueue {
        MailQueue(database: database, now: clock.now())
    }
}

extension Application {
    private struct MailQueueSignalKey: StorageKey {
        typealias Value = WakeSignal
    }

    /// Wakes this instance's sender after a request committed queued email, so it goes out at once rather
    /// than at the next poll. Other instances find it at their next poll.
    var mailQueueSignal: WakeSignal {
        get { configured(MailQueueSignalKey.self) }
        set { storage[MailQueueSignalKey.self] = newValue }
    }

    /// Sends queued email now, then whenever woken or every `interval`, until shutdown (`serve` only). Given-up
    /// emails past their keeping are deleted once an hour.
    func startMailQueue(every interval: Duration = .seconds(5)) {
        runInBackground { [self] in
            var lastPrune: ContinuousClock.Instant?
            while !Task.isCancelled {
                do {
                    let sender = MailQueueSender(database: db, mailer: accounts.mailer, clock: clock, logger: logger)
                    try await sender.sendDue()
                    if lastPrune.map({ .now - $0 > .seconds(3_600) }) ?? true {
                        try await MailQueue(database: db, now: clock.now()).pruneGivenUp()
                        lastPrune = .now
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.reportSafely(error)
                }
                await mailQueueSignal.wait(timeout: interval)
            }
        }
    }
}
