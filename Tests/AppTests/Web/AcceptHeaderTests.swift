@testable import App
import Testing
import Vapor
import VaporTesting

@Suite("Accept headers: weights and specificity (RFC 9110 §12.5.1)")
struct AcceptHeaderTests {
    @Test("q=0 refuses a type; a weight outside 0…1 or not a number is the default")
    func weights() {
        let header = AcceptHeader("application/json;q=0, text/event-stream")
        #expect(!header.accepts("application", "json"))
        #expect(header.names("text", "event-stream"))
        #expect(AcceptHeader("text/event-stream;q=0").names("text", "event-stream") == false)
        #expect(AcceptHeader("application/json;q=7").preference("application", "json")?.quality == 1)
        #expect(AcceptHeader("application/json;q=x").preference("application", "json")?.quality == 1)
        #expect(AcceptHeader(nil).accepts("text", "html") && AcceptHeader("").accepts("application", "json"))
        #expect(AcceptHeader("*/*").accepts("text", "event-stream") && !AcceptHeader("*/*").names("text", "event-stream"))
    }

    @Test("the most specific matching range gives the weight")
    func specificity() {
        let header = AcceptHeader("text/*;q=0.3, text/html;q=0.7, */*;q=0.1")
        #expect(header.preference("text", "html")! == (0.7, 2))
        #expect(header.preference("text", "plain")! == (0.3, 1))
        #expect(header.preference("image", "png")! == (0.1, 0))
        #expect(AcceptHeader("text/html").preference("application", "json") == nil)
    }

    @Test("an error answers JSON to a client that prefers it to HTML, HTML to browsers and to anything else")
    func errorFormat() {
        func json(_ accept: String) -> Bool {
            let header = AcceptHeader(accept)
            return header.names("application", "json") && header.prefers(("application", "json"), to: ("text", "html"))
        }
        #expect(json("application/json"))
        #expect(json("application/json, */*"))
        #expect(json("application/json, text/html;q=0.1"))
        #expect(json("text/html;q=0, application/json"))
        #expect(!json("application/json, text/html"))
        #expect(!json("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"))
        #expect(!json("*/*"))
        #expect(!json("text/html, application/json;q=0.9"))
    }

    @Test("an MCP client that refuses JSON (q=0) and takes an event stream gets one; an error page answers JSON to a client preferring it")
    func onTheWire() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let (client, _) = try await MCPEndpointTests.setUp(app)
            let initialize: [String: Any] = ["jsonrpc": "2.0", "id": 1, "method": "initialize", "params": [
                "protocolVersion": "2025-06-18", "capabilities": [:] as [String: Any], "clientInfo": ["name": "t", "version": "1"]]]
            let stream = try await client.post(initialize, headers: ["Accept": "application/json;q=0, text/event-stream"])
            #expect(stream.headers.contentType?.description.hasPrefix("text/event-stream") == true, "\(stream.headers)")
            let json = try await client.post(initialize, headers: ["Accept": "application/json, text/event-stream"])
            #expect(json.headers.contentType == .json)
            let missing = try await app.testing().sendRequest(.GET, "/no-such-page", headers: ["Accept": "application/json, text/html;q=0.1"])
            #expect(missing.status == .notFound && missing.headers.contentType == .json)
        }
    }
}
