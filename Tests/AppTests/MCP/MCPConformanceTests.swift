@testable import App
import Core
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// The deviations a conformance review found (issue 13, item 1), one test each.
@Suite("MCP endpoint: conformance with the 2026-07-28 and 2025 revisions")
struct MCPConformanceTests {
    typealias Client = MCPEndpointTests.Client

    static func initialized(_ client: Client, version: String = "2025-11-25") async throws -> Client {
        let initialize = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                "params": ["protocolVersion": version, "capabilities": [:] as [String: Any],
                                                           "clientInfo": ["name": "test", "version": "1"]]])
        var client = client
        client.session = try #require(initialize.headers.first(name: "MCP-Session-Id"))
        return client
    }

    static func raw(_ client: Client, _ body: String, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                                    "Authorization": "Bearer \(client.token)"]
        if let session = client.session { headers.add(name: "MCP-Session-Id", value: session) }
        headers.add(contentsOf: extra)
        return try await client.app.testing().sendRequest(.POST, client.path, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("ping: 404 with -32601 under 2026-07-28, still answered in a 2025 session", arguments: TestDatabase.all)
    func ping(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let stateless = try await client.stateless("ping")
            #expect(stateless.status == .notFound)
            #expect(try MCPEndpointTests.error(stateless)["code"] as? Int == -32601)

            let legacy = try await Self.initialized(client)
            let pong = try await legacy.post(["jsonrpc": "2.0", "id": 2, "method": "ping"], headers: ["MCP-Protocol-Version": "2025-11-25"])
            #expect(pong.status == .ok)
            #expect(try MCPEndpointTests.result(pong).isEmpty)
        }
    }

    @Test("an unsupported MCP-Protocol-Version: 400 -32022 with supported and requested, before the body is looked at, but after the origin (403) and the token (401)",
          arguments: TestDatabase.all)
    func unsupportedVersionFirst(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            for response in [
                try await Self.raw(client, #"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#, headers: ["MCP-Protocol-Version": "2099-01-01"]),
                try await Self.raw(client, "not json", headers: ["MCP-Protocol-Version": "2025-03-26"]),
            ] {
                #expect(response.status == .badRequest)
                let error = try MCPEndpointTests.error(response)
                #expect(error["code"] as? Int == -32022)
                let data = try #require(error["data"] as? [String: Any])
                #expect(data["supported"] as? [String] == ["2026-07-28", "2025-11-25", "2025-06-18"])
                #expect(["2099-01-01", "2025-03-26"].contains(data["requested"] as? String ?? ""))
            }
            let first = try await Self.raw(client, #"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#, headers: ["MCP-Protocol-Version": "2099-01-01"])
            #expect(try AccountDataTests.json(first)["id"] as? Int == 7, "the request's id comes back when the body has one")

            // Transports: "If the Origin header is present and invalid, servers MUST respond with HTTP 403";
            // authorization: "Invalid or expired tokens MUST receive a HTTP 401 response" — whatever the version says.
            let foreign = try await Self.raw(client, #"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#,
                                             headers: ["MCP-Protocol-Version": "2099-01-01", "Origin": "https://evil.example"])
            #expect(foreign.status == .forbidden)
            let anonymous = Client(app: app, path: client.path, token: "not-a-token")
            let refused = try await Self.raw(anonymous, #"{"jsonrpc":"2.0","id":7,"method":"tools/list"}"#, headers: ["MCP-Protocol-Version": "2099-01-01"])
            #expect(refused.status == .unauthorized)
            #expect(refused.headers.first(name: .wwwAuthenticate)?.contains("resource_metadata=") == true)
        }
    }

    @Test("request ids: strings and integers only; null, objects, booleans and fractions are -32600", arguments: TestDatabase.all)
    func requestIDs(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let headers: HTTPHeaders = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"]
            let meta = #""params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}"#
            for id in ["null", #"{"a":1}"#, "true", "1.5", "[1]"] {
                let response = try await Self.raw(client, #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/list",\#(meta)}"#, headers: headers)
                #expect(response.status == .badRequest, "id \(id)")
                #expect(try MCPEndpointTests.error(response)["code"] as? Int == -32600, "id \(id)")
            }
            for id in [#""abc""#, "42", "-3"] {
                let response = try await Self.raw(client, #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/list",\#(meta)}"#, headers: headers)
                #expect(response.status == .ok, "id \(id)")
            }
        }
    }

    @Test("2025-03-26 is not offered: initialize answers a newer revision, discovery omits it, batches are refused", arguments: TestDatabase.all)
    func noBatchRevision(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let initialize = try await client.post(["jsonrpc": "2.0", "id": 1, "method": "initialize",
                                                   "params": ["protocolVersion": "2025-03-26", "capabilities": [:] as [String: Any],
                                                              "clientInfo": ["name": "old", "version": "1"]]])
            #expect(try MCPEndpointTests.result(initialize)["protocolVersion"] as? String == "2025-11-25")
            let discover = try MCPEndpointTests.result(try await client.stateless("server/discover"))
            #expect(discover["supportedVersions"] as? [String] == ["2026-07-28", "2025-11-25", "2025-06-18"])
            let legacy = try await Self.initialized(client)
            let batch = try await Self.raw(legacy, #"[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"ping"}]"#)
            #expect(batch.status == .badRequest)
            #expect(try MCPEndpointTests.error(batch)["code"] as? Int == -32600)
        }
    }

    @Test("tools/list: an invalid cursor is -32602 in both eras; a short list has no nextCursor", arguments: TestDatabase.all)
    func cursor(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let list = try MCPEndpointTests.result(try await client.stateless("tools/list"))
            #expect(list["nextCursor"] == nil)
            let cursors: [Any] = ["garbage!", "", String(MCPToolList.cursor(after: "add").dropFirst(2)), 42]
            for cursor in cursors {
                let stateless = try await client.stateless("tools/list", ["cursor": cursor])
                #expect(stateless.status == .badRequest, "\(cursor)")
                #expect(try MCPEndpointTests.error(stateless)["code"] as? Int == -32602)
            }
            let legacy = try await Self.initialized(client)
            let refused = try await legacy.post(["jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": ["cursor": "garbage!"]])
            #expect(refused.status == .ok, "2025 errors travel with 200")
            #expect(try MCPEndpointTests.error(refused)["code"] as? Int == -32602)
            let second = try MCPEndpointTests.result(try await client.stateless("tools/list", ["cursor": MCPToolList.cursor(after: "explode")]))
            #expect((second["tools"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["greet"])
        }
    }

    @Test("tools/list pages by 100 with opaque cursors that survive a changed list")
    func pagination() throws {
        let tools = (0..<250).map { index -> MCPToolList.Tool in
            let name = String(format: "tool_%03d", index)
            return MCPToolList.Tool(name: name, description: "", inputSchema: ["type": "object"],
                                    json: ["name": .string(name), "description": "", "inputSchema": ["type": "object"]])
        }
        let list = MCPToolList(tools: tools)
        let first = try #require(list.page(after: nil))
        #expect(first.list.tools.count == 100)
        let cursor = try #require(first.nextCursor)
        #expect(!cursor.contains("tool_"), "opaque")
        let second = try #require(list.page(after: cursor))
        #expect(second.list.tools.first?.name == "tool_100")
        let third = try #require(list.page(after: second.nextCursor))
        #expect(third.list.tools.count == 50)
        #expect(third.nextCursor == nil)
        // a later build without tool_099 still continues where the client was
        let shorter = MCPToolList(tools: tools.filter { $0.name != "tool_099" })
        #expect(try #require(shorter.page(after: cursor)).list.tools.first?.name == "tool_100")
        #expect(list.page(after: "bm9wZQ") == nil, "base64 of something we never issued")
    }

    @Test("2026-07-28 results carry serverInfo in _meta; its version is the live version's number", arguments: TestDatabase.all)
    func serverInfo(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, id) = try await MCPEndpointTests.setUp(app)
            let server = try #require(try await HostedServer.find(id, on: app.db))
            let live = try #require(try await ServerVersion.find(server.activeVersionID, on: app.db))
            live.number = 7
            try await live.save(on: app.db)
            app.hosting.contexts.invalidate(id)
            for response in [try await client.stateless("tools/list"),
                             try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 2]], name: "add"),
                             try await client.stateless("server/discover")] {
                let meta = try #require(try MCPEndpointTests.result(response)["_meta"] as? [String: Any])
                let info = try #require(meta["io.modelcontextprotocol/serverInfo"] as? [String: Any])
                #expect(info["name"] as? String == "Calculator")
                #expect(info["version"] as? String == "7")
            }
        }
    }

    @Test("subscriptions/listen asking for nothing delivered here: acknowledged with an empty filter, then closed with a completion result",
          arguments: TestDatabase.all)
    func listenForNothing(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let body = #"{"jsonrpc":"2.0","id":"L1","method":"subscriptions/listen","params":{"notifications":{"resourcesListChanged":true},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
            let stream = try await Self.raw(client, body, headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "subscriptions/listen"])
            #expect(stream.status == .ok)
            let frames = stream.body.string.split(separator: "\n").filter { $0.hasPrefix("data: ") }
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any] }
            #expect(frames.count == 2, "\(stream.body.string)")
            let acknowledged = try #require(frames.first)
            #expect(acknowledged["method"] as? String == "notifications/subscriptions/acknowledged")
            #expect(((acknowledged["params"] as? [String: Any])?["notifications"] as? [String: Any])?.isEmpty == true)
            // subscriptions, Graceful Closure: the server ends it on its own initiative with a result, not a bare close
            let closing = try #require(frames.last)
            #expect(closing["id"] as? String == "L1")
            let result = try #require(closing["result"] as? [String: Any])
            #expect(result["resultType"] as? String == "complete")
            #expect((result["_meta"] as? [String: Any])?["io.modelcontextprotocol/subscriptionId"] as? String == "L1")
        }
    }

    @Test("SSE answers say X-Accel-Buffering: no; a refused token is named invalid_token in the challenge", arguments: TestDatabase.all)
    func headers(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
            let stream = try await app.testing().sendRequest(.POST, client.path, headers: [
                "Authorization": "Bearer \(client.token)", "Content-Type": "application/json", "Accept": "text/event-stream",
                "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"], body: ByteBuffer(string: body))
            #expect(stream.headers.first(name: .contentType) == "text/event-stream")
            #expect(stream.headers.first(name: "X-Accel-Buffering") == "no")

            let refused = try await Client(app: app, path: client.path, token: "bmm_not-a-real-token").stateless("tools/list")
            #expect(refused.status == .unauthorized)
            #expect(refused.headers.first(name: .wwwAuthenticate)?.contains(#"error="invalid_token""#) == true)
            let oauthRefused = try await Client(app: app, path: client.path, token: "bmmoa_unknown").stateless("tools/list")
            #expect(oauthRefused.headers.first(name: .wwwAuthenticate)?.contains(#"error="invalid_token""#) == true)
            let anonymous = try await app.testing().sendRequest(.POST, client.path, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: body))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers.first(name: .wwwAuthenticate)?.contains("error=") == false, "no token, no error attribute (RFC 6750 §3.1)")
        }
    }

    @Test("bad input: the JSON-RPC error and HTTP status of each era; no call is recorded", arguments: TestDatabase.all)
    func badInput(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (client, id) = try await MCPEndpointTests.setUp(app)
            let stateless: HTTPHeaders = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call"]
            let malformed = try await Self.raw(client, #"{"jsonrpc":"2.0","id":1,"#, headers: stateless)
            #expect(malformed.status == .badRequest)
            #expect(try MCPEndpointTests.error(malformed)["code"] as? Int == -32700)

            // a message is JSON: another declared type is 415; a charset, capitals or no type at all are read
            for (type, status) in [("text/plain", HTTPStatus.unsupportedMediaType), ("application/x-www-form-urlencoded", .unsupportedMediaType),
                                   ("application/json; charset=utf-8", .ok), ("Application/JSON", .ok), (nil, .ok)] {
                var headers: HTTPHeaders = ["Accept": "application/json, text/event-stream", "Authorization": "Bearer \(client.token)",
                                            "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"]
                if let type { headers.add(name: .contentType, value: type) }
                let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
                let answer = try await client.app.testing().sendRequest(.POST, client.path, headers: headers, body: ByteBuffer(string: body))
                #expect(answer.status == status, "\(type ?? "no type"): \(answer.body.string.prefix(200))")
                if status == .unsupportedMediaType {
                    #expect(try MCPEndpointTests.error(answer)["code"] as? Int == -32600)
                }
            }

            let oversized = try await Self.raw(client, #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"x":""# + String(repeating: "a", count: 1 << 20) + #""}}"#)
            #expect(oversized.status == .payloadTooLarge)
            #expect(try MCPEndpointTests.error(oversized)["code"] as? Int == -32600)

            let wrongType = try await client.stateless("tools/call", ["name": 5], name: "5")
            #expect(wrongType.status == .badRequest)
            #expect(try MCPEndpointTests.error(wrongType)["code"] as? Int == -32602)

            // arguments that are not an object: a malformed request, not a tool result; null means none
            for arguments: Any in ["x", [1, 2], 3] {
                let notObject = try await client.stateless("tools/call", ["name": "add", "arguments": arguments], name: "add")
                #expect(notObject.status == .badRequest)
                #expect(try MCPEndpointTests.error(notObject)["code"] as? Int == -32602)
            }
            let nullArguments = try await client.stateless("tools/call", ["name": "add", "arguments": NSNull()], name: "add")
            #expect(nullArguments.status == .ok)
            #expect(!nullArguments.body.string.contains("must be an object"), "null arguments read as none: \(nullArguments.body.string)")

            // params must be an object; an invalid id is not echoed back
            let arrayParams = try await Self.raw(client, #"{"jsonrpc":"2.0","id":7,"method":"tools/list","params":[1]}"#, headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"])
            #expect(try MCPEndpointTests.error(arrayParams)["code"] as? Int == -32602)
            let objectID = try await Self.raw(client, #"{"jsonrpc":"2.0","id":{"a":1}}"#)
            #expect(try AccountDataTests.json(objectID)["id"] is NSNull)
            // a null cursor is no cursor
            let nullCursor = try await client.stateless("tools/list", ["cursor": NSNull()])
            #expect(nullCursor.status == .ok, "\(nullCursor.body.string)")
            // the client's capabilities must be an object
            let badCapabilities = try await client.post(["jsonrpc": "2.0", "id": 8, "method": "tools/list", "params": ["_meta": [
                "io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": "x"]]],
                                                        headers: ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"])
            #expect(try MCPEndpointTests.error(badCapabilities)["code"] as? Int == -32602)
            // a 2025 version in the envelope without a session: only the versions that need none are offered
            let sessionless = try await client.stateless("tools/list", version: "2025-11-25")
            let offered = try MCPEndpointTests.error(sessionless)["data"] as? [String: Any]
            #expect(offered?["supported"] as? [String] == ["2026-07-28"])

            let badBase64 = try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 1]], name: "=?base64?!!!?=")
            #expect(badBase64.status == .badRequest)
            #expect(try MCPEndpointTests.error(badBase64)["code"] as? Int == -32020)
            let goodBase64 = try await client.stateless("tools/call", ["name": "add", "arguments": ["a": 1, "b": 1]],
                                                        name: "=?base64?\(Data("add".utf8).base64EncodedString())?=")
            #expect(goodBase64.status == .ok)

            // a routing header sent twice is one value ("add, boom"), which matches no body: what a proxy in front
            // routes on and what runs cannot differ
            let addBody = #"{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"add","arguments":{"a":1,"b":2},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
            for (repeated, code) in [(["Mcp-Name": ["add", "boom"]], -32020), (["Mcp-Method": ["tools/call", "tools/list"]], -32020),
                                     (["MCP-Protocol-Version": ["2026-07-28", "2025-11-25"]], -32022)] {
                var headers: HTTPHeaders = ["MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call", "Mcp-Name": "add"]
                for (name, values) in repeated {
                    headers.remove(name: name)
                    for value in values { headers.add(name: name, value: value) }
                }
                let answer = try await Self.raw(client, addBody, headers: headers)
                #expect(answer.status == .badRequest, "\(repeated): \(answer.body.string.prefix(200))")
                #expect(try MCPEndpointTests.error(answer)["code"] as? Int == code, "\(repeated)")
            }
            // a response the client sent is refused without its id, which belongs to the server's requests
            let response = try await Self.raw(client, #"{"jsonrpc":"2.0","id":99,"result":{}}"#, headers: stateless)
            #expect(response.status == .badRequest)
            #expect(try AccountDataTests.json(response)["id"] is NSNull)

            let legacy = try await Self.initialized(client)
            let unknown = try await legacy.post(["jsonrpc": "2.0", "id": 3, "method": "resources/list"])
            #expect(unknown.status == .ok)
            #expect(try MCPEndpointTests.error(unknown)["code"] as? Int == -32601)
            let legacyArguments = try await legacy.post(["jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": ["name": "add", "arguments": "x"]])
            #expect(legacyArguments.status == .ok)
            #expect(try MCPEndpointTests.error(legacyArguments)["code"] as? Int == -32602)
            let legacyWrongType = try await legacy.post(["jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": ["name": ["add"]]])
            #expect(legacyWrongType.status == .ok)
            #expect(try MCPEndpointTests.error(legacyWrongType)["code"] as? Int == -32602)
            let legacyMalformed = try await Self.raw(legacy, "{")
            #expect(legacyMalformed.status == .badRequest)
            #expect(try MCPEndpointTests.error(legacyMalformed)["code"] as? Int == -32700)

            try await app.hosting.calls.flush(on: app.db)
            #expect(try await ToolCallRecord.query(on: app.db).filter(\.$server.$id == id).count() == 2, "only the two good calls (one with null arguments)")
        }
    }
}
