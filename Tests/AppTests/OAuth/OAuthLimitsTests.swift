@testable import App
import Core
import Fluent
import Foundation
import NIOCore
import Testing
import Vapor
import VaporTesting

@Suite("OAuth endpoints: metadata fetches only after sign-in, rate limits, a bounded cache")
struct OAuthLimitsTests {
    @Test("a client metadata document is not fetched for a signed-out visitor: sign-in comes first", arguments: TestDatabase.all)
    func noFetchBeforeSignIn(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            // an address the egress guard would refuse: a fetch would answer 400 on the spot
            let link = Flow(flow, clientID: "https://127.0.0.1/client.json").authorizeQuery()
            let stranger = BrowserSession(app)
            let answer = try await stranger.get(link)
            #expect(answer.status == .seeOther)
            #expect(answer.headers.first(name: .location)?.hasPrefix("/login?next=") == true)
            let login = try await stranger.get(try #require(answer.headers.first(name: .location)))
            #expect(HTMLInspector(html: login.body.string).texts("h1").first?.hasPrefix("Sign in to connect 127.0.0.1") == true)
        }
    }

    @Test("metadata fetches are limited per person per hour", arguments: TestDatabase.all)
    func fetchesAreLimited(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let limit = RateLimitPolicy().clientMetadataFetchesPerUser.limit
            var statuses: [HTTPStatus] = []
            for index in 0...limit {
                // each a new URL (refused fetches are not cached), each would be fetched
                statuses.append(try await flow.browser.get(Flow(flow, clientID: "https://127.0.0.1/c\(index).json").authorizeQuery()).status)
            }
            #expect(statuses.dropLast().allSatisfy { $0 == .badRequest })
            #expect(statuses.last == .tooManyRequests)
        }
    }

    @Test("the metadata cache keeps at most its capacity, dropping expired entries first")
    func boundedCache() {
        let cache = OAuthMetadataCache(capacity: 3)
        let now = Date()
        func entry(_ name: String) -> OAuthClients.Resolved {
            OAuthClients.Resolved(clientID: name, name: name, redirectURIs: [], isVerified: true)
        }
        cache.put("a", entry("a"), until: now.addingTimeInterval(-1), now: now)
        cache.put("b", entry("b"), until: now.addingTimeInterval(100), now: now)
        cache.put("c", entry("c"), until: now.addingTimeInterval(200), now: now)
        cache.put("d", entry("d"), until: now.addingTimeInterval(300), now: now)
        #expect(cache.count == 3)
        #expect(cache.get("b", now: now) != nil, "the expired entry made room")
        for index in 0..<10 { cache.put("x\(index)", entry("x"), until: now.addingTimeInterval(400), now: now) }
        #expect(cache.count == 3)
        #expect(cache.get("b", now: now) == nil, "the soonest to expire went first")
    }

    @Test("/oauth/token and /oauth/revoke are rate-limited per client address", arguments: TestDatabase.all)
    func tokenAndRevokeLimits(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            for (path, rule) in [("/oauth/token", RateLimitPolicy().tokenRequestsPerIP), ("/oauth/revoke", RateLimitPolicy().revocationsPerIP)] {
                var last: HTTPStatus = .ok
                for _ in 0...rule.limit {
                    last = try await app.testing().sendRequest(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                               body: ByteBuffer(string: "grant_type=refresh_token&client_id=x&refresh_token=nope&token=nope")).status
                }
                #expect(last == .tooManyRequests, "\(path)")
            }
        }
    }

    @Test("the invitation page is rate-limited per client address", arguments: TestDatabase.all)
    func invitationLimit(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            var statuses: [HTTPStatus] = []
            for _ in 0...RateLimitPolicy().invitationRequestsPerIP.limit {
                statuses.append(try await app.testing().sendRequest(.GET, "/invite?token=guess").status)
            }
            #expect(statuses.last == .tooManyRequests)
            #expect(!statuses.dropLast().contains(.tooManyRequests))
        }
    }

    @Test("SMS codes for one phone have a daily cap on guesses across attempts and addresses; what guesses nothing counts nothing",
          arguments: TestDatabase.all)
    func smsDailyCap(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let phone = "+4179" + String(Int.random(in: 1_000_000...9_999_999))
            let cap = RateLimitPolicy().signInVerifiesPerPhone.limit
            func post(_ browser: BrowserSession, _ path: String, _ json: String, from index: Int) async throws -> HTTPStatus {
                // from a new address each time, as a spread-out attacker would: only the phone's own cap stops them
                let address = try SocketAddress(ipAddress: "198.51.\(100 + index / 250).\(index % 250 + 1)", port: 4000)
                return try await browser.send(.POST, path, from: address, headers: ["Content-Type": "application/json"],
                                              body: ByteBuffer(string: json)).status
            }
            // requests that hold no code of the number's guess nothing, and cost its owner nothing
            for index in 0...cap {
                #expect(try await post(BrowserSession(app), "/v1/auth/sms/verify", #"{"phone":"\#(phone)","code":"000000"}"#, from: index) == .badRequest)
            }
            // real guesses (codes sent to the number, asked for by the guessing browser) count, up to the cap
            var guesses: [HTTPStatus] = []
            var index = 1_000
            while guesses.count <= cap {
                if index % 10 == 0 { clock.advance(3_601) }  // the number takes 10 sends an hour
                let attacker = BrowserSession(app)
                index += 1
                #expect(try await post(attacker, "/v1/auth/sms", #"{"phone":"\#(phone)"}"#, from: index) == .accepted)
                for _ in 0..<LoginService.maxWrongCodes where guesses.count <= cap {
                    guesses.append(try await post(attacker, "/v1/auth/sms/verify", #"{"phone":"\#(phone)","code":"000000"}"#, from: index))
                }
            }
            #expect(!guesses.dropLast().contains(.tooManyRequests))
            #expect(guesses.last == .tooManyRequests)
        }
    }
}

private func Flow(_ flow: OAuthTests.Flow, clientID: String) -> OAuthTests.Flow {
    OAuthTests.Flow(browser: flow.browser, server: flow.server, clientID: clientID)
}
