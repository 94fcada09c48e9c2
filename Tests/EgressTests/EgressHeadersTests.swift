import Testing

@testable import Egress

@Suite("Request methods and headers")
struct EgressHeadersTests {
    @Test("transport-owned, hop-by-hop and proxy headers are stripped")
    func stripsOwnedHeaders() throws {
        // given
        let headers = [
            EgressHeader("Host", "evil.com"), EgressHeader("Connection", "close, X-Hop"),
            EgressHeader("Content-Length", "999"), EgressHeader("Transfer-Encoding", "chunked"),
            EgressHeader("Proxy-Authorization", "Basic abc"), EgressHeader("proxy-connection", "keep-alive"),
            EgressHeader("Keep-Alive", "300"), EgressHeader("TE", "trailers"), EgressHeader("Upgrade", "h2c"),
            EgressHeader("Trailer", "X"), EgressHeader("Expect", "100-continue"), EgressHeader("X-Hop", "1"),
            EgressHeader("Authorization", "Bearer t"), EgressHeader("Accept", "application/json"),
        ]

        // when
        let kept = try EgressHeaders.sanitized(headers)

        // then
        #expect(kept == [EgressHeader("Authorization", "Bearer t"), EgressHeader("Accept", "application/json")])
    }

    @Test("a header value with CR or LF is refused without echoing the value")
    func refusesHeaderInjection() {
        // given
        let headers = [EgressHeader("X-Api-Key", "secret-value\r\nHost: evil.com")]

        // when
        let error = #expect(throws: EgressError.self) { try EgressHeaders.sanitized(headers) }

        // then
        #expect(error == .invalidHeader("X-Api-Key"))
        #expect(error?.description.contains("secret") == false)
    }

    @Test("a header name that is not a token is refused", arguments: ["", "X Space", "X:Colon", "X\nNew", "Ü"])
    func refusesBadNames(name: String) {
        // given / when / then
        #expect(throws: EgressError.invalidHeader(nil)) { try EgressHeaders.sanitized([EgressHeader(name, "v")]) }
    }

    @Test("methods are upper-cased tokens; CONNECT and TRACE are refused")
    func validatesMethods() throws {
        // given / when / then
        #expect(try EgressHeaders.validatedMethod("get") == "GET")
        #expect(try EgressHeaders.validatedMethod("PATCH") == "PATCH")
        #expect(throws: EgressError.methodNotAllowed("CONNECT")) { try EgressHeaders.validatedMethod("connect") }
        #expect(throws: EgressError.methodNotAllowed("TRACE")) { try EgressHeaders.validatedMethod("TRACE") }
        #expect(throws: EgressError.methodNotAllowed("(invalid)")) { try EgressHeaders.validatedMethod("GET /") }
    }
}
