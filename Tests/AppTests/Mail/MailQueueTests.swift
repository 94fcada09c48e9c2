@testable import App
import Fluent
import Foundation
import Messaging
import Testing
import Vapor

@Suite("Mail queue: emails written with their change, sent after it, retried while the provider is down")
struct MailQueueTests {
    private static func message(_ tag: String) -> EmailMessage {
        EmailMessage(to: "queued-\(tag)@example.com", subject: "Notice \(tag)", text: "Body of \(tag).\n")
    }

    private static func sender(_ app: Application) -> MailQueueSender {
        MailQueueSender(database: app.db, mailer: app.accounts.mailer, clock: app.clock, logger: app.logger)
    }

    private static func waiting(_ app: Application) async throws -> [QueuedEmail] {
        try await QueuedEmail.query(on: app.db).all()
    }

    @Test("an email queued by a change that rolls back is never sent; one that commits is sent once", arguments: TestDatabase.all)
    func transactional(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            struct RolledBack: Error {}
            await #expect(throws: RolledBack.self) {
                try await app.db.writeTransaction { db in
                    try await MailQueue(database: db, now: app.clock.now()).enqueue([Self.message("lost")])
                    throw RolledBack()
                }
            }
            try await app.db.writeTransaction { db in
                try await MailQueue(database: db, now: app.clock.now()).enqueue([Self.message("kept")])
            }

            // when
            let sent = try await Self.sender(app).sendDue()
            let again = try await Self.sender(app).sendDue()

            // then
            #expect(sent == 1 && again == 0)
            let outbox = try await OutboxMessage.query(on: app.db).all()
            #expect(outbox.map(\.recipient) == ["queued-kept@example.com"])
            #expect(outbox.first?.subject == "Notice kept" && outbox.first?.body == "Body of kept.\n")
            #expect(try await Self.waiting(app).isEmpty)
        }
    }

    @Test("a provider that is down: the email is kept, tried again after its pause, and sent once", arguments: TestDatabase.all)
    func retriedWhileDown(database: TestDatabase) async throws {
        try await withPostmarkStandIn(answering: [.serviceUnavailable, .serviceUnavailable, .ok]) { provider in
        try await withConfiguredApp(try testConfig(database: database, environment: provider.environment)) { app in
            // given
            let clock = TestClock()
            app.clock = clock.clock
            try await MailQueue(database: app.db, now: app.clock.now()).enqueue([Self.message("retry")])

            // when: the provider is down
            #expect(try await Self.sender(app).sendDue() == 0)

            // then: kept with the failure, not due again before its pause
            var row = try #require(try await Self.waiting(app).first)
            #expect(row.attempts == 1 && row.givenUpAt == nil)
            #expect(row.lastFailure == "delivery provider unavailable (HTTP 503)")
            #expect(abs(row.nextAttemptAt.timeIntervalSince(clock.clock.now()) - MailRetry.delays[0]) < 1)
            #expect(try await Self.sender(app).sendDue() == 0)
            #expect(provider.received.count == 1)

            // when: the pause passes, the provider still down, then up
            clock.advance(MailRetry.delays[0] + 1)
            #expect(try await Self.sender(app).sendDue() == 0)
            row = try #require(try await Self.waiting(app).first)
            #expect(row.attempts == 2)
            #expect(abs(row.nextAttemptAt.timeIntervalSince(clock.clock.now()) - MailRetry.delays[1]) < 1)
            clock.advance(MailRetry.delays[1] + 1)
            #expect(try await Self.sender(app).sendDue() == 1)

            // then: three requests for one email, the same message each time, nothing left
            #expect(provider.received.count == 3)
            #expect(Set(provider.received.map { $0["To"] ?? "" }) == ["queued-retry@example.com"])
            #expect(provider.received.allSatisfy { $0["Subject"] == "Notice retry" && $0["TextBody"] == "Body of retry.\n" })
            #expect(try await Self.waiting(app).isEmpty)
            #expect(try await Self.sender(app).sendDue() == 0)
        }
        }
    }

    @Test("a message the provider refuses is given up on at once, kept a week for the operator, then deleted", arguments: TestDatabase.all)
    func refused(database: TestDatabase) async throws {
        try await withPostmarkStandIn(answering: [.unprocessableEntity]) { provider in
        try await withConfiguredApp(try testConfig(database: database, environment: provider.environment)) { app in
            // given
            let clock = TestClock()
            app.clock = clock.clock
            try await MailQueue(database: app.db, now: app.clock.now()).enqueue([Self.message("refused"), Self.message("other")])

            // when
            _ = try await Self.sender(app).sendDue()
            clock.advance(MailRetry.delays.reduce(0, +) + 60)
            _ = try await Self.sender(app).sendDue()

            // then: one attempt each, never again; the failure names the provider's code, not the address
            let rows = try await Self.waiting(app)
            #expect(rows.count == 2 && rows.allSatisfy { $0.givenUpAt != nil && $0.attempts == 1 })
            #expect(rows.allSatisfy { $0.lastFailure == "delivery rejected by provider (HTTP 422, code 406)" })
            #expect(provider.received.count == 2)
            #expect(try await MailQueue(database: app.db, now: app.clock.now()).waiting() == 0)

            // when: a week after giving up
            #expect(try await MailQueue(database: app.db, now: app.clock.now()).pruneGivenUp() == 0)
            clock.advance(MailQueue.keepsGivenUp + 1)
            #expect(try await MailQueue(database: app.db, now: app.clock.now()).pruneGivenUp() == 2)
            #expect(try await Self.waiting(app).isEmpty)
        }
        }
    }

    @Test("an email whose sender stopped mid-attempt is tried again when the lease ends", arguments: TestDatabase.all)
    func leaseEnds(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given: a sender claimed it and never settled it
            let clock = TestClock()
            app.clock = clock.clock
            try await MailQueue(database: app.db, now: app.clock.now()).enqueue([Self.message("lease")])
            #expect(try await MailQueue(database: app.db, now: app.clock.now()).claimNext() != nil)

            // when / then
            #expect(try await Self.sender(app).sendDue() == 0)
            clock.advance(MailQueue.lease + 1)
            #expect(try await Self.sender(app).sendDue() == 1)
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == "queued-lease@example.com").count() == 1)
        }
    }

    @Test("two senders at once send each email once", arguments: TestDatabase.all)
    func concurrentSenders(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let tags = (0..<24).map { "c\($0)" }
            try await MailQueue(database: app.db, now: app.clock.now()).enqueue(tags.map(Self.message))

            // when
            async let first = Self.sender(app).sendDue()
            async let second = Self.sender(app).sendDue()
            let sent = try await first + second

            // then
            #expect(sent == tags.count)
            let recipients = try await OutboxMessage.query(on: app.db).all().map(\.recipient)
            #expect(recipients.count == tags.count)
            #expect(Set(recipients) == Set(tags.map { "queued-\($0)@example.com" }))
            #expect(try await Self.waiting(app).isEmpty)
        }
    }

    @Test("/metrics shows what waits and what was given up on", arguments: TestDatabase.all)
    func metrics(database: TestDatabase) async throws {
        try await withPostmarkStandIn(answering: [.unprocessableEntity, .serviceUnavailable]) { provider in
        try await withConfiguredApp(try testConfig(database: database, environment: provider.environment)) { app in
            // given: one refused, one with the provider down
            try await MailQueue(database: app.db, now: app.clock.now()).enqueue([Self.message("m1"), Self.message("m2")])

            // when
            _ = try await Self.sender(app).sendDue()
            let text = try await MetricsEndpointTests.scrape(app)

            // then
            #expect(MetricsEndpointTests.value(text, #"bmm_emails_queued{state="waiting"}"#) == 1)
            #expect(MetricsEndpointTests.value(text, #"bmm_emails_queued{state="given_up"}"#) == 1)
            #expect(text.contains("# HELP bmm_emails_queued "))
        }
        }
    }

    @Test("the retry policy: a provider down or throttling, or our credentials refused, is retried about fifteen hours; other refusals never")
    func retryPolicy() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(MailRetry.next(after: .unavailable(status: 503), attempts: 1, now: now) == now.addingTimeInterval(30))
        #expect(MailRetry.next(after: .unavailable(status: nil), attempts: 3, now: now) == now.addingTimeInterval(600))
        #expect(MailRetry.next(after: .misconfigured("no sender"), attempts: 1, now: now) != nil)
        #expect(MailRetry.next(after: .rejected(status: 401, code: "10"), attempts: 2, now: now) != nil)
        #expect(MailRetry.next(after: .rejected(status: 403, code: nil), attempts: 2, now: now) != nil)
        #expect(MailRetry.next(after: .accountRefused(status: 422, code: "405"), attempts: 3, now: now) != nil, "out of credit: the operator tops up")
        #expect(MailRetry.next(after: .rejected(status: 422, code: "406"), attempts: 1, now: now) == nil)
        #expect(MailRetry.next(after: .rejected(status: 400, code: nil), attempts: 1, now: now) == nil)
        #expect(MailRetry.next(after: .unavailable(status: 503), attempts: MailRetry.delays.count, now: now) != nil)
        #expect(MailRetry.next(after: .unavailable(status: 503), attempts: MailRetry.delays.count + 1, now: now) == nil)
        // every attempt at one queued email carries the same key, for providers that send a keyed message once
        let queued = QueuedEmail(EmailMessage(to: "ada@example.com", subject: "s", text: "t"), now: now)
        #expect(queued.message.idempotencyKey == queued.id?.uuidString.lowercased())
        let total = MailRetry.delays.reduce(0, +)
        #expect(total > 14 * 3_600 && total < 17 * 3_600)
    }
}
