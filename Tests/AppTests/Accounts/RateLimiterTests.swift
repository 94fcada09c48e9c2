@testable import App
import Core
import Foundation
import Testing
import Vapor

@Suite("Rate limits in the database")
struct RateLimiterTests {
    @Test("fifty concurrent hits on one key let exactly the limit through", arguments: TestDatabase.all)
    func concurrentHits(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let rule = RateLimitRule(limit: 10, window: 600)
            let limiter = RateLimiter(database: app.db, now: app.clock.now())
            // when
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        do {
                            try await limiter.hit("race", rule)
                            return true
                        } catch let error as APIError where error.code == "rate_limited" {
                            return false
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            // then
            #expect(allowed == 10)
            let bucket = try #require(try await RateLimitBucket.find("race", on: app.db))
            #expect(bucket.count == 50)
        }
    }

    @Test("a window that ended starts over, and a refusal says how long to wait", arguments: TestDatabase.all)
    func windows(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a full window
            let rule = RateLimitRule(limit: 2, window: 600)
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            for _ in 0..<2 { try await RateLimiter(database: app.db, now: start).hit("key", rule) }
            // when one more comes a minute later
            let refused = await #expect(throws: APIError.self) {
                try await RateLimiter(database: app.db, now: start.addingTimeInterval(60)).hit("key", rule)
            }
            // then it waits for the rest of the window
            #expect(refused?.code == "rate_limited")
            #expect(refused?.headers.first(name: "Retry-After") == "540")
            // when the window has ended, hits count from one again
            try await RateLimiter(database: app.db, now: start.addingTimeInterval(600)).hit("key", rule)
            let bucket = try #require(try await RateLimitBucket.find("key", on: app.db))
            #expect(bucket.count == 1)
            #expect(abs(bucket.windowStart.timeIntervalSince(start.addingTimeInterval(600))) < 0.001)
        }
    }

    @Test("windows that ended are pruned; an open one stays and still counts", arguments: TestDatabase.all)
    func pruning(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let short = RateLimitRule(limit: 5, window: 60), long = RateLimitRule(limit: 5, window: 3_600)
            try await RateLimiter(database: app.db, now: start).hit("ended", short)
            try await RateLimiter(database: app.db, now: start).hit("open", long)
            // when pruned ten minutes later
            let pruned = try await RateLimiter.pruneEnded(now: start.addingTimeInterval(600), on: app.db)
            // then
            #expect(pruned == 1)
            #expect(try await RateLimitBucket.find("ended", on: app.db) == nil)
            #expect(try await RateLimitBucket.find("open", on: app.db)?.count == 1)
        }
    }
}
