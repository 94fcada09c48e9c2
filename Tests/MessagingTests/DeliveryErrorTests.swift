import AsyncHTTPClient
import Messaging
import Testing

@Suite("Delivery errors and configuration")
struct DeliveryErrorTests {
    @Test("descriptions name the status and code only")
    func descriptions() {
        #expect(
            String(describing: DeliveryError.rejected(status: 422, code: "300"))
                == "delivery rejected by provider (HTTP 422, code 300)"
        )
        #expect(
            String(describing: DeliveryError.rejected(status: 400, code: nil))
                == "delivery rejected by provider (HTTP 400)"
        )
        #expect(
            String(describing: DeliveryError.unavailable(status: 502)) == "delivery provider unavailable (HTTP 502)"
        )
        #expect(
            String(describing: DeliveryError.unavailable(status: nil)) == "delivery provider unavailable (no response)"
        )
        #expect(String(describing: DeliveryError.misconfigured("x")) == "delivery misconfigured: x")
    }

    @Test("a code that is not a plain token is not printed")
    func codeSanitised() {
        // given a code that echoes an address
        let error = DeliveryError.rejected(status: 400, code: "bad to ada@example.com")
        // then the description drops it
        #expect(String(describing: error) == "delivery rejected by provider (HTTP 400)")
        #expect(!String(reflecting: error).contains("ada@example.com"))
    }

    @Test("clients refuse a base URL that would send credentials in clear text or embed them")
    func baseURLChecks() async throws {
        let client = HTTPClient()
        for baseURL in [
            "http://api.resend.com", "ftp://api.resend.com", "https://user:pw@api.resend.com", "not a url", "",
        ] {
            #expect(throws: DeliveryError.self, "\(baseURL)") {
                _ = try ResendMailer(httpClient: client, baseURL: baseURL, apiKey: "k", from: "a@b.test")
            }
        }
        #expect(throws: Never.self) {
            _ = try ResendMailer(httpClient: client, apiKey: "k", from: "a@b.test")
            _ = try ResendMailer(httpClient: client, baseURL: "http://127.0.0.1:8080/", apiKey: "k", from: "a@b.test")
            _ = try PostmarkMailer(httpClient: client, serverToken: "t", from: "a@b.test")
            _ = try TwilioSMSSender(httpClient: client, accountSID: "AC1", authToken: "t", from: "+15005550006")
        }
        try await client.shutdown()
    }

    @Test("clients refuse missing or header-breaking credentials without echoing them")
    func credentialChecks() async throws {
        let client = HTTPClient()
        expectMisconfigured { try ResendMailer(httpClient: client, apiKey: "", from: "a@b.test") }
        expectMisconfigured { try ResendMailer(httpClient: client, apiKey: "re_SECRET\r\nX-Evil: 1", from: "a@b.test") }
        expectMisconfigured { try ResendMailer(httpClient: client, apiKey: "re_SECRET", from: " ") }
        expectMisconfigured { try PostmarkMailer(httpClient: client, serverToken: "pm SECRET", from: "a@b.test") }
        expectMisconfigured {
            try TwilioSMSSender(httpClient: client, accountSID: "AC1/../x", authToken: "t", from: "+1500")
        }
        expectMisconfigured { try TwilioSMSSender(httpClient: client, accountSID: "AC1", authToken: "", from: "+1500") }
        expectMisconfigured {
            try TwilioSMSSender(httpClient: client, accountSID: "AC1", authToken: "t", messagingServiceSID: "MG?x=1")
        }
        try await client.shutdown()
    }

    private func expectMisconfigured(
        sourceLocation: SourceLocation = #_sourceLocation,
        _ build: () throws -> Any
    ) {
        do {
            _ = try build()
            Issue.record("expected .misconfigured", sourceLocation: sourceLocation)
        } catch let error as DeliveryError {
            guard case .misconfigured = error else {
                Issue.record("expected .misconfigured, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(!String(describing: error).contains("SECRET"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a DeliveryError, got \(type(of: error))", sourceLocation: sourceLocation)
        }
    }
}
