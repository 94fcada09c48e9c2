@testable import App
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

/// How the OAuth endpoints read a request (RFC 6749 §2.3.1, §3.1, §5.2; RFC 7009 §2.1; RFC 7636 §4.2).
@Suite("OAuth: client authentication, and parameters sent twice, empty or malformed")
struct OAuthClientAuthenticationTests {
    static func post(_ app: Application, _ path: String, _ body: String, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/x-www-form-urlencoded"]
        headers.add(contentsOf: extra)
        return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: body))
    }

    static func error(_ response: TestingHTTPResponse) throws -> String? {
        try AccountDataTests.json(response)["error"] as? String
    }

    static func basic(_ user: String, _ password: String) -> HTTPHeaders {
        ["Authorization": "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    @Test("a secret, another scheme, an unknown or missing client: 401 invalid_client, with the scheme tried in WWW-Authenticate",
          arguments: TestDatabase.all)
    func clientAuthentication(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let tokens = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let refresh = try #require(tokens["refresh_token"] as? String)
            let grant = "grant_type=refresh_token&refresh_token=\(refresh)"

            let withSecret = try await Self.post(app, "/oauth/token", grant + "&client_id=\(flow.clientID)", headers: Self.basic(flow.clientID, "s3cret"))
            #expect(withSecret.status == .unauthorized)
            #expect(try Self.error(withSecret) == "invalid_client")
            #expect(withSecret.headers.first(name: .wwwAuthenticate) == #"Basic realm="BuildMyMCPServer""#)
            let otherScheme = try await Self.post(app, "/oauth/token", grant, headers: ["Authorization": "Bearer abc"])
            #expect(otherScheme.status == .unauthorized)
            #expect(otherScheme.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            let secretInBody = try await Self.post(app, "/oauth/token", grant + "&client_id=\(flow.clientID)&client_secret=x")
            #expect(secretInBody.status == .unauthorized)
            #expect(secretInBody.headers.first(name: .wwwAuthenticate) == nil, "no header was used, so no challenge")
            let unknown = try await Self.post(app, "/oauth/token", grant + "&client_id=bmmc_nobody")
            #expect(unknown.status == .unauthorized)
            #expect(try Self.error(unknown) == "invalid_client")
            // the header named an unknown client, or a secret came with it in the body: still a challenge
            let unknownInHeader = try await Self.post(app, "/oauth/token", grant, headers: Self.basic("bmmc_nobody", ""))
            #expect(unknownInHeader.status == .unauthorized)
            #expect(unknownInHeader.headers.first(name: .wwwAuthenticate) == #"Basic realm="BuildMyMCPServer""#)
            let headerAndBodySecret = try await Self.post(app, "/oauth/token", grant + "&client_secret=x", headers: Self.basic(flow.clientID, ""))
            #expect(headerAndBodySecret.status == .unauthorized)
            #expect(headerAndBodySecret.headers.first(name: .wwwAuthenticate) == #"Basic realm="BuildMyMCPServer""#)
            let oddScheme = try await Self.post(app, "/oauth/token", grant, headers: ["Authorization": "B\"asic x"])
            #expect(oddScheme.headers.first(name: .wwwAuthenticate) == #"Basic realm="BuildMyMCPServer""#)
            let twoNames = try await Self.post(app, "/oauth/token", grant + "&client_id=bmmc_nobody", headers: Self.basic(flow.clientID, ""))
            #expect(twoNames.status == .badRequest)
            #expect(try Self.error(twoNames) == "invalid_request")

            // a refused request used nothing up: the public client named in Basic with an empty password refreshes
            let named = try await Self.post(app, "/oauth/token", grant, headers: Self.basic(flow.clientID, ""))
            #expect(named.status == .ok, "\(named.body.string)")
        }
    }

    @Test("a repeated parameter is invalid_request; an empty one counts as left out", arguments: TestDatabase.all)
    func parameters(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let code = try await flow.code()
            let exchange = "grant_type=authorization_code&redirect_uri=\(OAuthTests.redirect)&client_id=\(flow.clientID)"
                + "&code_verifier=\(OAuthTests.verifier)&resource=\(flow.resource)"
            let repeated = try await Self.post(app, "/oauth/token", exchange + "&code=wrong&code=\(code)")
            #expect(repeated.status == .badRequest)
            #expect(try Self.error(repeated) == "invalid_request")
            #expect(try AccountDataTests.json(repeated)["error_description"] as? String == "code was sent more than once.")
            let twoResources = try await Self.post(app, "/oauth/token", exchange + "&code=\(code)&resource=\(flow.resource)")
            #expect(try Self.error(twoResources) == "invalid_target")
            let empty = try await Self.post(app, "/oauth/token", "grant_type=refresh_token&refresh_token=&client_id=\(flow.clientID)")
            #expect(try AccountDataTests.json(empty)["error_description"] as? String == "refresh_token is required.")
            // the code was not used up by the refused requests
            #expect(try await Self.post(app, "/oauth/token", exchange + "&code=\(code)").status == .ok)
        }
    }

    @Test("revocation: only the client a token was issued to revokes it; client_id is required", arguments: TestDatabase.all)
    func revocationByItsClient(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let tokens = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let access = try #require(tokens["access_token"] as? String)
            let other = try await flow.browser.postObject("/oauth/register", ["client_name": "Other", "redirect_uris": [OAuthTests.redirect]])
            let otherID = try #require(try AccountDataTests.json(other)["client_id"] as? String)

            let foreign = try await Self.post(app, "/oauth/revoke", "token=\(access)&client_id=\(otherID)")
            #expect(foreign.status == .badRequest)
            #expect(try Self.error(foreign) == "unauthorized_client")
            let anonymous = try await Self.post(app, "/oauth/revoke", "token=\(access)")
            #expect(anonymous.status == .unauthorized)
            #expect(try await flow.call(access).status == .ok, "neither refused request revoked the token")

            #expect(try await Self.post(app, "/oauth/revoke", "token=not-ours&client_id=\(otherID)").status == .ok, "RFC 7009 §2.2")
            #expect(try await Self.post(app, "/oauth/revoke", "token=\(access)&client_id=\(flow.clientID)").status == .ok)
            #expect(try await flow.call(access).status == .unauthorized)
            // recorded in the workspace whose token it was, so its owner sees it
            let organization = try #require(try await OAuthGrant.query(on: app.db).first()).$organization.id
            let event = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "oauth.token_revoked").first())
            #expect(event.organizationID == organization)
        }
    }

    @Test("authorize: client_id or redirect_uri twice is explained on the page; any other parameter twice, or a malformed code_challenge, is redirected as invalid_request; an empty state is left out",
          arguments: TestDatabase.all)
    func authorizeParameters(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            _ = try await flow.code()  // consent is remembered, so a good request redirects straight away
            let query = flow.authorizeQuery(state: "s1")
            func redirected(_ path: String) async throws -> [String: String] {
                let answer = try await flow.browser.get(path)
                #expect(answer.status == .seeOther, "\(path): \(answer.status)")
                let items = URLComponents(string: answer.headers.first(name: .location) ?? "")?.queryItems ?? []
                return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
            }

            for name in ["client_id", "redirect_uri"] {
                let page = try await flow.browser.get(query + "&\(name)=other")
                #expect(page.status == .badRequest, "\(name)")
                #expect(page.headers.first(name: .location) == nil)
                #expect(page.body.string.contains("more than once"))
            }
            let twice = try await redirected(query + "&state=s2")
            #expect(twice["error"] == "invalid_request")
            #expect(twice["error_description"] == "state was sent more than once.")
            #expect(twice["code"] == nil)

            // RFC 8707 allows several resources; a token here is for one server (invalid_target)
            let resources = try await redirected(query + "&resource=" + (flow.resource.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
            #expect(resources["error"] == "invalid_target")
            #expect(resources["error_description"] == OAuthParameters.oneResource)
            // response_type left out is malformed; one not offered is unsupported (RFC 6749 §4.1.2.1)
            let withoutType = try await redirected(query.replacingOccurrences(of: "response_type=code&", with: ""))
            #expect(withoutType["error"] == "invalid_request")
            let token = try await redirected(query.replacingOccurrences(of: "response_type=code", with: "response_type=token"))
            #expect(token["error"] == "unsupported_response_type")

            let malformed = try await redirected(flow.authorizeQuery(challenge: "x", state: "s1"))
            #expect(malformed["error"] == "invalid_request")
            #expect(malformed["state"] == "s1")

            let empty = try await redirected(flow.authorizeQuery(state: ""))
            #expect(empty["code"] != nil)
            #expect(empty["state"] == nil, "a parameter sent without a value is treated as omitted (RFC 6749 §3.1)")
        }
    }

    @Test("redirect_uri may be left out by a client with one registered address (OAuth 2.1 §4.1.1); the token request then leaves it out too",
          arguments: TestDatabase.all)
    func redirectURIOptional(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await OAuthTests.setUp(app)
            let query = flow.authorizeQuery(state: "s1").replacingOccurrences(of: "&redirect_uri=[^&]*", with: "", options: .regularExpression)
            #expect(!query.contains("redirect_uri"), "\(query)")
            // the consent page carries no redirect_uri either, and approving sends the code to the registered address
            let page = try await flow.browser.get(query)
            #expect(page.status == .ok)
            var fields: [String: String] = [:]
            for input in HTMLInspector(html: page.body.string).tags("input") where input.attributes["type"] == "hidden" {
                if let name = input.attributes["name"] { fields[name] = input.attributes["value"] ?? "" }
            }
            #expect(fields["redirect_uri"] == nil)
            fields["decision"] = "approve"
            let approved = try await flow.browser.postForm("/oauth/authorize", fields)
            let location = try #require(approved.headers.first(name: .location))
            #expect(location.hasPrefix(OAuthTests.redirect + "?"))
            let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
            let exchange = "grant_type=authorization_code&client_id=\(flow.clientID)&code_verifier=\(OAuthTests.verifier)&resource=\(flow.resource)&code=\(code)"
            // naming a redirect_uri the authorization request did not have is refused, and uses nothing up
            let named = try await Self.post(app, "/oauth/token", exchange + "&redirect_uri=\(OAuthTests.redirect)")
            #expect(try Self.error(named) == "invalid_grant")
            #expect(try await Self.post(app, "/oauth/token", exchange).status == .ok)

            // a code from a request that named it still needs it
            let withRedirect = try await flow.code()
            let bare = "grant_type=authorization_code&client_id=\(flow.clientID)&code_verifier=\(OAuthTests.verifier)&resource=\(flow.resource)&code=\(withRedirect)"
            #expect(try Self.error(try await Self.post(app, "/oauth/token", bare)) == "invalid_grant")
            #expect(try await Self.post(app, "/oauth/token", bare + "&redirect_uri=\(OAuthTests.redirect)").status == .ok)

            // a client with two addresses must say which
            let two = try await flow.browser.postObject("/oauth/register", ["client_name": "Two", "redirect_uris": [OAuthTests.redirect, "http://127.0.0.1:9/other"]])
            let twoID = try #require(try AccountDataTests.json(two)["client_id"] as? String)
            let ambiguous = try await flow.browser.get(query.replacingOccurrences(of: "client_id=\(flow.clientID)", with: "client_id=\(twoID)"))
            #expect(ambiguous.status == .badRequest && ambiguous.headers.first(name: .location) == nil)
            #expect(ambiguous.body.string.contains("redirect_uri is missing"))
        }
    }
}
