@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// 2025-era sessions: opened only by a well-formed initialize, bound to the negotiated version, at most
/// `sessionsPerCaller` per person and server, gone after a day unused.
@Suite("MCP sessions: initialize, version header, limits, expiry")
struct MCPSessionLimitsTests {
    typealias Client = MCPEndpointTests.Client

    static func initialize(_ client: Client, params: Any?) async throws -> TestingHTTPResponse {
        var body: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "initialize"]
        if let params { body["params"] = params }
        return try await client.post(body)
    }

    @Test("a stream's place is given back once: when the stream ends, or when its response is dropped unwritten")
    func streamPlaces() {
        let streams = MCPOpenStreams(perToken: 2)
        #expect(streams.claim("t") && streams.claim("t"))
        #expect(!streams.claim("t"), "both places taken")

        // a stream that ran and ended, its response then released
        var ended: MCPOpenStreams.Place? = MCPOpenStreams.Place(streams, token: "t")
        ended?.release()
        #expect(streams.count("t") == 1)
        ended = nil
        #expect(streams.count("t") == 1, "given back once, not again when dropped")

        // a response dropped before its body ever ran (the client left first)
        var unwritten: MCPOpenStreams.Place? = MCPOpenStreams.Place(streams, token: "t")
        #expect(unwritten != nil)
        unwritten = nil
        #expect(streams.count("t") == 0)
        #expect(streams.claim("t"))
    }

    @Test("initialize needs protocolVersion, capabilities and clientInfo (-32602, no session); as a notification it is 400",
          arguments: TestDatabase.all)
    func initializeParams(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let bad: [Any?] = [nil, ["protocolVersion": 42, "capabilities": [:] as [String: Any], "clientInfo": ["name": "t", "version": "1"]],
                               ["protocolVersion": "2025-11-25", "clientInfo": ["name": "t", "version": "1"]],
                               ["protocolVersion": "2025-11-25", "capabilities": [:] as [String: Any]]]
            for params in bad {
                let refused = try await Self.initialize(client, params: params)
                #expect(try MCPEndpointTests.error(refused)["code"] as? Int == -32602, "\(String(describing: params))")
                #expect(refused.headers.first(name: "MCP-Session-Id") == nil)
            }
            let notification = try await client.post(["jsonrpc": "2.0", "method": "initialize",
                                                       "params": ["protocolVersion": "2025-11-25", "capabilities": [:] as [String: Any], "clientInfo": ["name": "t", "version": "1"]]])
            #expect(notification.status == .badRequest)
            #expect(try await MCPSession.query(on: app.db).count() == 0)
        }
    }

    @Test("after initialize, MCP-Protocol-Version must be the negotiated one on POST, GET and DELETE (400)", arguments: TestDatabase.all)
    func versionHeader(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (plain, _) = try await MCPEndpointTests.setUp(app)
            let client = try await MCPConformanceTests.initialized(plain, version: "2025-06-18")
            let session = try #require(client.session)
            let same = try await client.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"], headers: ["MCP-Protocol-Version": "2025-06-18"])
            #expect(same.status == .ok)
            let other = try await client.post(["jsonrpc": "2.0", "id": 3, "method": "tools/list"], headers: ["MCP-Protocol-Version": "2025-11-25"])
            #expect(other.status == .badRequest)
            #expect(try MCPEndpointTests.error(other)["code"] as? Int == -32600)
            for method in [HTTPMethod.GET, .DELETE] {
                let refused = try await app.testing().sendRequest(method, client.path, headers: [
                    "Authorization": "Bearer \(client.token)", "Accept": "text/event-stream", "MCP-Session-Id": session, "MCP-Protocol-Version": "bogus"])
                #expect(refused.status == .badRequest, "\(method)")
            }
            #expect(try await MCPSession.query(on: app.db).count() == 1, "the refused DELETE ended nothing")
        }
    }

    @Test("one person keeps at most sessionsPerCaller sessions per server (the least recently used end first); a day unused ends one",
          arguments: TestDatabase.all)
    func limitsAndExpiry(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let (plain, serverID) = try await MCPEndpointTests.setUp(app)
            // given the first session, then enough newer ones (written directly: a thousand handshakes take long) to
            // reach the limit
            let first = try await MCPConformanceTests.initialized(plain)
            let user = try #require(try await MCPSession.query(on: app.db).first()).$user.id
            clock.advance(1)
            let newer = (1..<MCPSessionEndpoint.sessionsPerCaller).map { _ in
                let session = MCPSession()
                session.$server.id = serverID
                session.$user.id = user
                session.sessionHash = SecretToken.sha256(UUID().uuidString)
                session.protocolVersion = "2025-11-25"
                session.createdAt = app.clock.now()
                session.lastSeenAt = session.createdAt
                return session
            }
            try await newer.create(on: app.db)
            #expect(try await MCPSession.query(on: app.db).count() == MCPSessionEndpoint.sessionsPerCaller)
            // when one more is opened
            clock.advance(1)
            _ = try await MCPConformanceTests.initialized(plain)
            // then the limit holds and the least recently used, the first, is the one that ended
            #expect(try await MCPSession.query(on: app.db).count() == MCPSessionEndpoint.sessionsPerCaller)
            let gone = try await first.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"])
            #expect(gone.status == .notFound)

            // a session used now stays; a day later it is gone, and the hourly prune deletes it
            clock.advance(1)
            let recent = try await MCPConformanceTests.initialized(plain)
            #expect(try await recent.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"]).status == .ok)
            clock.advance(MCPSessionEndpoint.idleLimit + 60)
            #expect(try await recent.post(["jsonrpc": "2.0", "id": 3, "method": "tools/list"]).status == .notFound)
            #expect(try await MCPSessionEndpoint.pruneIdle(now: app.clock.now(), on: app.db) == MCPSessionEndpoint.sessionsPerCaller)
            #expect(try await MCPSession.query(on: app.db).count() == 0)
        }
    }
}
