@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("MCP endpoint: both protocol eras, auth, origin, calls")
struct MCPEndpointTests {
    /// A client speaking to `/mcp/{id}` with a bearer token.
    struct Client {
        let app: Application
        let path: String
        let token: String
        var session: String?

        func post(_ body: [String: Any], headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
            var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                                        "Authorization": "Bearer \(token)"]
            if let session { headers.add(name: "MCP-Session-Id", value: session) }
            for (name, value) in extra {
                if name.lowercased() == "accept" { headers.replaceOrAdd(name: name, value: value) } else { headers.add(name: name, value: value) }
            }
            return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }

        /// A 2026-07-28 request with its envelope and routing headers.
        func stateless(_ method: String, _ params: [String: Any] = [:], name: String? = nil, version: String = "2026-07-28") async throws -> TestingHTTPResponse {
            var params = params
            params["_meta"] = ["io.modelcontextprotocol/protocolVersion": version, "io.modelcontextprotocol/clientCapabilities": [:] as [String: Any]]
            var headers: HTTPHeaders = ["MCP-Protocol-Version": version, "Mcp-Method": method]
            if let name { headers.add(name: "Mcp-Name", value: name) }
            return try await post(["jsonrpc": "2.0", "id": 1, "method": method, "params": params], headers: headers)
        }
    }

    static func setUp(_ app: Application) async throws -> (Client, UUID) {
        let (browser, _) = try await AccountDataTests.signedIn(app)
        let id = try await Hosting.createAndBuild(browser)
        return (Client(app: app, path: "/mcp/\(id.uuidString.lowercased())", token: try await Hosting.token(browser)), id)
    }

    static func result(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try message(response, sourceLocation: sourceLocation)["result"] as? [String: Any],
                     "no result: \(response.body.string.prefix(300))", sourceLocation: sourceLocation)
    }

    static func error(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try message(response, sourceLocation: sourceLocation)["error"] as? [String: Any],
                     "no error: \(response.body.string.prefix(300))", sourceLocation: sourceLocation)
    }

    /// The JSON-RPC reply in an answer: its JSON body, or the last message of its event stream (a 2026-07-28 call
    /// still running after `MCPCallGrace.grace` is answered as one, as any client must accept).
    static func message(_ response: TestingHTTPResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        guard response.headers.contentType?.subType == "event-stream" else { return try AccountDataTests.json(response, sourceLocation: sourceLocation) }
        return try #require(ProgressAndCancellationTests.events(response.body.string).last,
                            "an event stream without a message: \(response.body.string.prefix(300))", sourceLocation: sourceLocation)
    }

    @Test("invalid arguments: the first five problems are named, and how many more there are")
    func invalidArgumentsMessage() {
        let problems = (1...7).map { "f\($0): must be a string" }
        #expect(ToolInvoker.invalidArguments(problems) == "Invalid arguments: " + problems.prefix(5).joined(separator: "; ") + "; and 2 more")
        #expect(ToolInvoker.invalidArguments(Array(problems.prefix(5))) == "Invalid arguments: " + problems.prefix(5).joined(separator: "; "))
    }

    @Test("legacy: initialize issues a session; tools/list is sorted; calls return text, structuredContent and isError", arguments: TestDatabase.all)
    func legacySession(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            var (client, id) = try await Self.setUp(app)
            // when
            let initialize = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                   "params": ["protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any],
                                                              "clientInfo": ["name": "test", "version": "1"]]])
            // then
            #expect(initialize.status == .ok)
            #expect(try Self.result(initialize)["protocolVersion"] as? String == "2025-06-18")
            let session = try #require(initialize.headers.first(name: "MCP-Session-Id"))
            #expect(session.count >= 40)
            let stored = try #require(try await MCPSession.query(on: app.db).first())
            #expect(stored.sessionHash != session, "session ids are stored hashed")

            let noSession = try await client.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"])
            #expect(noSession.status == .badRequest)

            client.session = session
            #expect(try await client.post(["jsonrpc": "2.0", "method": "notifications/initialized"]).status == .accepted)
            let list = try await client.post(["jsonrpc": "2.0", "id": 3, "method": "tools/list"])
            let names = (try Self.result(list)["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == ["add", "explode", "greet"])

            let add = try Self.result(try await client.post(["jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": ["name": "add", "arguments": ["a": 2, "b": 3]]]))
            #expect(add["isError"] as? Bool == false)
            #expect((add["structuredContent"] as? [String: Any])?["sum"] as? Int == 5)
            #expect(((add["content"] as? [[String: Any]])?.first?["text"] as? String) == #"{"sum":5}"#)

            let greet = try Self.result(try await client.post(["jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": ["name": "greet", "arguments": [:] as [String: Any]]]))
            #expect(((greet["content"] as? [[String: Any]])?.first?["text"] as? String) == "Hello, friend!", "schema defaults are applied")
            #expect(greet["structuredContent"] == nil)

            let boom = try Self.result(try await client.post(["jsonrpc": "2.0", "id": 6, "method": "tools/call", "params": ["name": "explode"]]))
            #expect(boom["isError"] as? Bool == true)
            #expect(((boom["content"] as? [[String: Any]])?.first?["text"] as? String)?.contains("boom") == true)

            let invalid = try Self.result(try await client.post(["jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": ["name": "add", "arguments": ["a": "two", "b": 3]]]))
            #expect(invalid["isError"] as? Bool == true)
            #expect(((invalid["content"] as? [[String: Any]])?.first?["text"] as? String)?.contains("Invalid arguments") == true)

            let unknown = try await client.post(["jsonrpc": "2.0", "id": 8, "method": "tools/call", "params": ["name": "nope"]])
            #expect(unknown.status == .ok, "legacy JSON-RPC errors travel with HTTP 200")
            #expect(try Self.error(unknown)["code"] as? Int == -32602)

            try await app.hosting.calls.flush(on: app.db)
            let calls = try await ToolCallRecord.query(on: app.db).filter(\.$server.$id == id).all()
            #expect(Set(calls.map(\.outcome)) == ["ok", "tool_error", "invalid_arguments"])
            #expect(calls.allSatisfy { $0.bytesIn > 0 && $0.bytesOut > 0 })
            #expect(calls.allSatisfy { abs($0.at.timeIntervalSinceNow) < 120 && $0.durationMilliseconds >= 0 && $0.tool.isEmpty == false })
            #expect(calls.allSatisfy { ($0.outcome == "ok") == ($0.errorMessage == nil) }, "failures keep their message, successes have none")
            let owner = try #require(try await HostedServer.find(id, on: app.db)).$organization.id
            #expect(calls.allSatisfy { $0.$organization.id == owner })

            // DELETE ends the session; it is unknown afterwards
            let deleted = try await app.testing().sendRequest(.DELETE, client.path, headers: ["Authorization": "Bearer \(client.token)", "MCP-Session-Id": session])
            #expect(deleted.status == .noContent)
            #expect(try await client.post(["jsonrpc": "2.0", "id": 9, "method": "tools/list"]).status == .notFound)
        }
    }

    @Test("stateless 2026-07-28: discover, list and call with resultType; the envelope and headers are checked", arguments: TestDatabase.all)
    func stateless(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await Self.setUp(app)
            let discover = try Self.result(try await client.stateless("server/discover"))
            #expect((discover["supportedVersions"] as? [String])?.contains("2026-07-28") == true)
            #expect(discover["resultType"] as? String == "complete")
            #expect(discover["ttlMs"] as? Int == MCPMethods.listTTLMilliseconds)
            #expect((discover["capabilities"] as? [String: Any]).flatMap { $0["tools"] as? [String: Any] }?["listChanged"] as? Bool == true)
            #expect(try await MCPSession.query(on: app.db).count() == 0, "no session is created")

            let list = try Self.result(try await client.stateless("tools/list"))
            #expect(list["resultType"] as? String == "complete")
            #expect((list["tools"] as? [Any])?.count == 3)

            let call = try Self.result(try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 1]], name: "add"))
            #expect((call["structuredContent"] as? [String: Any])?["sum"] as? Int == 2)

            let unsupported = try await client.stateless("tools/list", version: "2099-01-01")
            #expect(unsupported.status == .badRequest)
            #expect(try Self.error(unsupported)["code"] as? Int == -32022)
            #expect(((try Self.error(unsupported)["data"] as? [String: Any])?["supported"] as? [String])?.contains("2026-07-28") == true)

            let mismatch = try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 1]], name: "greet")
            #expect(try Self.error(mismatch)["code"] as? Int == -32020)

            let noMeta = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "tools/list"], headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"])
            #expect(try Self.error(noMeta)["code"] as? Int == -32602)

            let unknown = try await client.stateless("resources/list")
            #expect(unknown.status == .notFound)
            #expect(try Self.error(unknown)["code"] as? Int == -32601)
        }
    }

    @Test("no token, a wrong, expired, revoked or other workspace's token: 401 with WWW-Authenticate; a foreign Origin: 403",
          arguments: TestDatabase.all)
    func authAndOrigin(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await Self.setUp(app)
            #expect(try await client.stateless("tools/list").status == .ok)
            let token = try #require(try await APIToken.query(on: app.db).filter(\.$tokenHash == SecretToken.sha256(client.token)).first())
            #expect(token.lastUsedAt != nil, "using a token records when")
            // an expiry written straight into the database (as another instance would) shows once the caller cache's second is over
            token.expiresAt = Date().addingTimeInterval(-1)
            try await token.save(on: app.db)
            try await Task.sleep(for: app.callers.lifetime)
            #expect(try await client.stateless("tools/list").status == .unauthorized)
            token.expiresAt = Date().addingTimeInterval(3600)
            try await token.save(on: app.db)
            #expect(try await client.stateless("tools/list").status == .ok)

            let body = ByteBuffer(string: #"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            let missing = try await app.testing().sendRequest(.POST, client.path, headers: ["Content-Type": "application/json"], body: body)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers.first(name: .wwwAuthenticate)?.contains("resource_metadata=") == true)

            let wrong = Client(app: app, path: client.path, token: "bmm_not-a-real-token")
            #expect(try await wrong.stateless("tools/list").status == .unauthorized)

            let (stranger, _) = try await AccountDataTests.signedIn(app)
            let foreign = Client(app: app, path: client.path, token: try await Hosting.token(stranger))
            #expect(try await foreign.stateless("tools/list").status == .unauthorized)

            let evil = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "tools/list"], headers: ["Origin": "https://evil.example"])
            #expect(evil.status == .forbidden)

            // the 2025 notification stream needs an event-stream Accept and a session of this caller
            let get = try await app.testing().sendRequest(.GET, client.path, headers: ["Authorization": "Bearer \(client.token)"])
            #expect(get.status == .notAcceptable)
            let sessionless = try await app.testing().sendRequest(.GET, client.path, headers: ["Authorization": "Bearer \(client.token)", "Accept": "text/event-stream"])
            #expect(sessionless.status == .badRequest)
            let unknown = try await app.testing().sendRequest(.GET, client.path, headers: [
                "Authorization": "Bearer \(client.token)", "Accept": "text/event-stream", "MCP-Session-Id": "no-such-session"])
            #expect(unknown.status == .notFound)

            // a suspended workspace's servers stop running tools
            for org in try await Organization.query(on: app.db).all() {
                org.suspendedAt = Date()
                try await org.save(on: app.db)
            }
            try await Task.sleep(for: app.callers.lifetime)
            let suspended = try await client.stateless("tools/list")
            #expect(suspended.status == .forbidden)
            #expect(try AccountDataTests.json(suspended)["error"] as? String == "org_suspended")

            // a token gone straight from the database stops working within the caller cache's second
            // (revocations through the app's own routes end it at the next call: CallerCacheTests)
            try await token.delete(on: app.db)
            try await Task.sleep(for: app.callers.lifetime)
            #expect(try await client.stateless("tools/list").status == .unauthorized)
        }
    }
}
