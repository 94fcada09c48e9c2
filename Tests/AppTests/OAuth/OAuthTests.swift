@testable import App
import Core
import Crypto
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("OAuth 2.1: discovery, registration, consent, PKCE, refresh rotation, audience")
struct OAuthTests {
    static let verifier = "test-verifier-" + String(repeating: "v", count: 40)
    static let redirect = "http://127.0.0.1:33418/callback"

    struct Flow {
        let browser: BrowserSession
        let server: UUID
        let clientID: String
        var resource: String { "http://127.0.0.1:8080/mcp/\(server.uuidString.lowercased())" }

        func authorizeQuery(challenge: String = OAuthTokenService.challenge(for: OAuthTests.verifier), method: String = "S256",
                            redirect: String = OAuthTests.redirect, resource: String? = nil, state: String = "st+te/1 ü") -> String {
            var components = URLComponents()
            components.queryItems = [
                .init(name: "response_type", value: "code"), .init(name: "client_id", value: clientID),
                .init(name: "redirect_uri", value: redirect), .init(name: "code_challenge", value: challenge),
                .init(name: "code_challenge_method", value: method), .init(name: "state", value: state),
                .init(name: "resource", value: resource ?? self.resource), .init(name: "scope", value: "mcp:tools"),
            ]
            return "/oauth/authorize?" + (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        }

        /// Consent page → approve → the code from the redirect.
        func code(state: String = "st+te/1 ü") async throws -> String {
            let page = try await browser.get(authorizeQuery(state: state))
            // Consent given before is remembered: the code comes straight back.
            if page.status == .seeOther, let location = page.headers.first(name: .location) {
                return try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
            }
            let inputs = HTMLInspector(html: page.body.string).tags("input").filter { $0.attributes["type"] == "hidden" }
            var fields: [String: String] = [:]
            for input in inputs { if let name = input.attributes["name"] { fields[name] = input.attributes["value"] ?? "" } }
            fields["decision"] = "approve"
            let approved = try await browser.postForm("/oauth/authorize", fields)
            guard let location = approved.headers.first(name: .location) else {
                Issue.record("approval answered \(approved.status): \(approved.body.string)")
                throw Abort(.internalServerError)
            }
            let items = URLComponents(string: location)?.queryItems ?? []
            #expect(items.first { $0.name == "state" }?.value == state, "state comes back exactly")
            #expect(items.first { $0.name == "iss" }?.value == "http://127.0.0.1:8080")
            return try #require(items.first { $0.name == "code" }?.value)
        }

        func token(_ fields: [String: String]) async throws -> TestingHTTPResponse {
            var components = URLComponents()
            components.queryItems = fields.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            return try await browser.app.testing().sendRequest(.POST, "/oauth/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
        }

        func exchange(_ code: String, verifier: String = OAuthTests.verifier, resource: String? = nil) async throws -> TestingHTTPResponse {
            try await token(["grant_type": "authorization_code", "code": code, "redirect_uri": OAuthTests.redirect, "client_id": clientID,
                             "code_verifier": verifier, "resource": resource ?? self.resource])
        }

        func call(_ accessToken: String, server: UUID? = nil) async throws -> TestingHTTPResponse {
            let path = "/mcp/\((server ?? self.server).uuidString.lowercased())"
            let body = #"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}"#
            return try await browser.app.testing().sendRequest(.POST, path, headers: [
                "Authorization": "Bearer \(accessToken)", "Content-Type": "application/json", "Accept": "application/json",
                "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/list"], body: ByteBuffer(string: body))
        }
    }

    static func setUp(_ app: Application) async throws -> Flow {
        let (browser, _) = try await AccountDataTests.signedIn(app)
        let server = try await Hosting.createAndBuild(browser)
        let registered = try await browser.postObject("/oauth/register", ["client_name": "Test client", "redirect_uris": [redirect]])
        #expect(registered.status == .created)
        let clientID = try #require(try AccountDataTests.json(registered)["client_id"] as? String)
        return Flow(browser: browser, server: server, clientID: clientID)
    }

    @Test("a suspended workspace grants nothing: the app hears access_denied at its redirect URI, with no code", arguments: TestDatabase.all)
    func suspendedWorkspaceDeniesAuthorization(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a signed-in owner whose workspace is suspended after the app registered
            let flow = try await Self.setUp(app)
            let organization = try #require(try await Organization.find(try await Workspaces.organizationID(flow.browser), on: app.db))
            organization.suspendedAt = Date()
            try await organization.save(on: app.db)
            // when the app sends them to authorize, or a consent form is sent anyway (approve or deny)
            let asked = try await flow.browser.get(flow.authorizeQuery())
            let csrf = flow.browser.csrfCookie ?? ""
            var posted: [TestingHTTPResponse] = []
            for decision in ["approve", "deny"] {
                var fields = Dictionary(uniqueKeysWithValues: (URLComponents(string: flow.authorizeQuery())?.queryItems ?? []).map { ($0.name, $0.value ?? "") })
                fields["decision"] = decision
                fields["csrf"] = csrf
                posted.append(try await flow.browser.postForm("/oauth/authorize", fields))
            }
            // then each answer sends the person back to the app with access_denied and the state, never a code
            for response in [asked] + posted {
                #expect(response.status == .seeOther || response.status == .found, "\(response.status) \(response.body.string.prefix(300))")
                let location = try #require(response.headers.first(name: .location))
                let query = URLComponents(string: location)?.queryItems ?? []
                #expect(location.hasPrefix(Self.redirect))
                #expect(query.first { $0.name == "error" }?.value == "access_denied")
                #expect(query.first { $0.name == "error_description" }?.value?.contains("suspended") == true)
                #expect(query.first { $0.name == "state" }?.value == "st+te/1 ü")
                #expect(!query.contains { $0.name == "code" })
            }
            #expect(try await OAuthCode.query(on: app.db).count() == 0)
        }
    }

    @Test("metadata: RFC 9728 per server and RFC 8414 for the one issuer", arguments: TestDatabase.all)
    func discovery(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await Self.setUp(app)
            let resource = try AccountDataTests.json(try await flow.browser.get("/.well-known/oauth-protected-resource/mcp/\(flow.server.uuidString.lowercased())"))
            #expect(resource["resource"] as? String == flow.resource)
            #expect(resource["authorization_servers"] as? [String] == ["http://127.0.0.1:8080"])
            let root = try AccountDataTests.json(try await flow.browser.get("/.well-known/oauth-protected-resource?resource=\(flow.resource)"))
            #expect(root["resource"] as? String == flow.resource)
            let metadata = try AccountDataTests.json(try await flow.browser.get("/.well-known/oauth-authorization-server"))
            #expect(metadata["issuer"] as? String == "http://127.0.0.1:8080")
            #expect(metadata["code_challenge_methods_supported"] as? [String] == ["S256"])
            #expect(metadata["client_id_metadata_document_supported"] as? Bool == true)
            let unauthorized = try await flow.call("nope")
            let challenge = try #require(unauthorized.headers.first(name: .wwwAuthenticate))
            #expect(challenge.contains("resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp/\(flow.server.uuidString.lowercased())\""))
            #expect(challenge.contains("scope=\"mcp:tools\""))

            // RFC 9728 §3.3: the metadata names the resource exactly as the client spelled the URL it used
            let spelled = "/mcp/\(flow.server.uuidString.uppercased())/"
            let refused = try await app.testing().sendRequest(.POST, spelled, headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{}"))
            let spelledChallenge = try #require(refused.headers.first(name: .wwwAuthenticate))
            #expect(spelledChallenge.contains("resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource\(spelled)\""), "\(spelledChallenge)")
            let described = try AccountDataTests.json(try await flow.browser.get("/.well-known/oauth-protected-resource\(spelled)"))
            #expect(described["resource"] as? String == "http://127.0.0.1:8080\(spelled)")
            let asked = try AccountDataTests.json(try await flow.browser.get("/.well-known/oauth-protected-resource?resource=http://127.0.0.1:8080\(spelled)"))
            #expect(asked["resource"] as? String == "http://127.0.0.1:8080\(spelled)")
        }
    }

    @Test("the whole flow: consent, code, tokens (no-store), a call, refresh rotation; reuse revokes the grant", arguments: TestDatabase.all)
    func flow(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await Self.setUp(app)
            let code = try await flow.code()
            let issued = try await flow.exchange(code)
            #expect(issued.status == .ok)
            #expect(issued.headers.first(name: .cacheControl) == "no-store")
            let tokens = try AccountDataTests.json(issued)
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            #expect(try await flow.call(access).status == .ok)
            #expect(try await OAuthToken.query(on: app.db).all().allSatisfy { $0.tokenHash != access && $0.tokenHash != refresh }, "tokens are stored hashed")
            #expect(try await OAuthGrant.query(on: app.db).first()?.lastUsedAt != nil, "a call records when the grant was last used")

            // a token without the mcp:tools scope is known but not enough: 403 insufficient_scope
            let row = try #require(try await OAuthToken.query(on: app.db).filter(\.$tokenHash == SecretToken.sha256(access)).first())
            // (written straight into the database, as another instance would: seen once the caller cache's second is over)
            row.scope = "profile"
            try await row.save(on: app.db)
            try await Task.sleep(for: app.callers.lifetime)
            let narrow = try await flow.call(access)
            #expect(narrow.status == .forbidden)
            #expect(try AccountDataTests.json(narrow)["error"] as? String == "insufficient_scope")
            #expect(narrow.headers.first(name: .wwwAuthenticate)?.contains(#"error="insufficient_scope""#) == true)
            row.scope = OAuthURLs.scope
            try await row.save(on: app.db)
            try await Task.sleep(for: app.callers.lifetime)
            #expect(try await flow.call(access).status == .ok)

            // consent is remembered: the next authorization skips the page
            let again = try await flow.browser.get(flow.authorizeQuery())
            #expect(again.status == .seeOther)
            #expect(again.headers.first(name: .location)?.hasPrefix(Self.redirect + "?code=") == true)

            let rotated = try AccountDataTests.json(try await flow.token(["grant_type": "refresh_token", "refresh_token": refresh, "client_id": flow.clientID]))
            let newAccess = try #require(rotated["access_token"] as? String)
            #expect(try await flow.call(newAccess).status == .ok)
            // the old refresh token again: reuse, and the whole grant goes
            let reused = try await flow.token(["grant_type": "refresh_token", "refresh_token": refresh, "client_id": flow.clientID])
            #expect(reused.status == .badRequest)
            #expect(try AccountDataTests.json(reused)["error"] as? String == "invalid_grant")
            #expect(try await flow.call(newAccess).status == .unauthorized)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "oauth.consent_granted").count() == 1)
        }
    }

    @Test("negative table: replay, PKCE, resource, audience, query-string token, redirect, DCR, consent CSRF", arguments: TestDatabase.all)
    func negatives(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let flow = try await Self.setUp(app)

            // code replay revokes what the code issued
            let code = try await flow.code()
            let first = try AccountDataTests.json(try await flow.exchange(code))
            let access = try #require(first["access_token"] as? String)
            let replay = try await flow.exchange(code)
            #expect(try AccountDataTests.json(replay)["error"] as? String == "invalid_grant")
            #expect(try await flow.call(access).status == .unauthorized)

            // wrong PKCE verifier, missing verifier
            let code2 = try await flow.code()
            #expect(try AccountDataTests.json(try await flow.exchange(code2, verifier: "wrong-" + String(repeating: "w", count: 40)))["error"] as? String == "invalid_grant")
            let missing = try await flow.token(["grant_type": "authorization_code", "code": code2, "redirect_uri": Self.redirect, "client_id": flow.clientID, "resource": flow.resource])
            #expect(try AccountDataTests.json(missing)["error"] as? String == "invalid_request")

            // no resource at the token endpoint: the one the authorization named (RFC 8707 makes it optional here)
            let unnamedCode = try await flow.code()
            let unnamed = try await flow.token(["grant_type": "authorization_code", "code": unnamedCode, "redirect_uri": Self.redirect,
                                                "client_id": flow.clientID, "code_verifier": OAuthTests.verifier])
            let unnamedToken = try #require(try AccountDataTests.json(unnamed)["access_token"] as? String, "\(unnamed.body.string)")
            #expect(try await flow.call(unnamedToken).status == .ok)

            // wrong resource at the token endpoint
            let code3 = try await flow.code()
            #expect(try AccountDataTests.json(try await flow.exchange(code3, resource: "http://127.0.0.1:8080/mcp/\(UUID().uuidString.lowercased())"))["error"] as? String == "invalid_target")

            // an expired code
            let code4 = try await flow.code()
            clock.advance(OAuthTokenService.codeLifetime + 1)
            #expect(try AccountDataTests.json(try await flow.exchange(code4))["error"] as? String == "invalid_grant")

            // plain PKCE and no challenge are refused at the authorize step (redirected errors)
            let plain = try await flow.browser.get(flow.authorizeQuery(method: "plain"))
            #expect(plain.headers.first(name: .location)?.contains("error=invalid_request") == true)
            let none = try await flow.browser.get(flow.authorizeQuery(challenge: ""))
            #expect(none.headers.first(name: .location)?.contains("error=invalid_request") == true)

            // a redirect URI the client did not register: explained here, never redirected
            let foreign = try await flow.browser.get(flow.authorizeQuery(redirect: "https://evil.example/callback"))
            #expect(foreign.status == .badRequest)
            #expect(foreign.headers.first(name: .location) == nil)

            // a token of server A at server B, and a token in the query string
            let code5 = try await flow.code()
            let token5 = try #require(try AccountDataTests.json(try await flow.exchange(code5))["access_token"] as? String)
            let other = try await Hosting.createAndBuild(flow.browser, { var spec = Hosting.calculator; spec.slug = "other"; return spec }())
            #expect(try await flow.call(token5, server: other).status == .unauthorized)
            #expect(try await flow.call(token5).status == .ok)
            let query = try await app.testing().sendRequest(.POST, "/mcp/\(flow.server.uuidString.lowercased())?access_token=\(token5)",
                                                           headers: ["Content-Type": "application/json"], body: ByteBuffer(string: "{}"))
            #expect(query.status == .unauthorized)

            // DCR refuses javascript: and non-loopback http redirect URIs
            for uri in ["javascript:alert(1)", "data:text/html,hi", "http://evil.example/cb"] {
                let refused = try await flow.browser.postObject("/oauth/register", ["client_name": "x", "redirect_uris": [uri]])
                #expect(refused.status == .badRequest, "\(uri)")
                #expect(try AccountDataTests.json(refused)["error"] as? String == "invalid_redirect_uri")
            }

            // DCR registers a client that asks for a secret as the public client it will be, and says so; an unknown method is refused
            let asked = try await flow.browser.postObject("/oauth/register", ["client_name": "Claude", "redirect_uris": [OAuthTests.redirect],
                                                                              "token_endpoint_auth_method": "client_secret_post"])
            #expect(asked.status == .created)
            let registered = try AccountDataTests.json(asked)
            #expect(registered["token_endpoint_auth_method"] as? String == "none" && registered["client_secret"] == nil)
            let unknownMethod = try await flow.browser.postObject("/oauth/register", ["client_name": "x", "redirect_uris": [OAuthTests.redirect],
                                                                                "token_endpoint_auth_method": "password"])
            #expect(try AccountDataTests.json(unknownMethod)["error"] as? String == "invalid_client_metadata")

            // DCR refuses a name that would read differently on the consent page (a direction override), or that breaks lines
            for name in ["Helper \u{202E}noisrev laiciffo", "Helper\nofficial", "Helper\u{0}"] {
                let refused = try await flow.browser.postObject("/oauth/register", ["client_name": name, "redirect_uris": [OAuthTests.redirect]])
                #expect(refused.status == .badRequest, "\(name.debugDescription)")
                #expect(try AccountDataTests.json(refused)["error"] as? String == "invalid_client_metadata")
            }
            #expect(try await OAuthClient.query(on: app.db).filter(\.$clientName ~~ "Helper").count() == 0)
            // and a metadata document's such name is not shown: its host names the app
            #expect(OAuthClients.documentName("Helper \u{202E}noisrev laiciffo", host: "app.example") == "app.example")
            #expect(OAuthClients.documentName("Helper", host: "app.example") == "Helper (app.example)")

            // consent without its CSRF token
            let page = try await flow.browser.get(flow.authorizeQuery(resource: "http://127.0.0.1:8080/mcp/\(other.uuidString.lowercased())"))
            var fields: [String: String] = [:]
            for input in HTMLInspector(html: page.body.string).tags("input") where input.attributes["type"] == "hidden" {
                if let name = input.attributes["name"], name != "csrf" { fields[name] = input.attributes["value"] ?? "" }
            }
            fields["decision"] = "approve"
            let forged = try await flow.browser.postForm("/oauth/authorize", fields)
            #expect(forged.status == .forbidden)

            // unsupported grant types and unknown clients get OAuth errors
            let password = try await flow.token(["grant_type": "password", "client_id": flow.clientID])
            #expect(try AccountDataTests.json(password)["error"] as? String == "unsupported_grant_type")
            let unknown = try await flow.browser.get(Flow(browser: flow.browser, server: flow.server, clientID: "bmmc_unknown").authorizeQuery())
            #expect(unknown.status == .badRequest)
        }
    }
}

extension OAuthTests {
    @Test("the consent page lets its form's redirect reach the app (CSP form-action), and a second Allow reuses the grant", arguments: TestDatabase.all)
    func consentPolicyAndOneGrant(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await Self.setUp(app)
            // two tabs with the consent page, both approved
            let first = try await flow.browser.get(flow.authorizeQuery())
            let second = try await flow.browser.get(flow.authorizeQuery())
            for page in [first, second] {
                #expect(page.status == .ok)
                let policy = try #require(page.headers.first(name: "Content-Security-Policy"))
                let formAction = try #require(policy.components(separatedBy: "; ").first { $0.hasPrefix("form-action ") })
                #expect(formAction == "form-action 'self' http://127.0.0.1:33418", "\(formAction)")
            }
            // other pages keep the strict policy
            let settings = try #require(try await flow.browser.get("/settings").headers.first(name: "Content-Security-Policy"))
            #expect(settings.contains("form-action 'self';"))
            for page in [first, second] {
                var fields: [String: String] = [:]
                for input in HTMLInspector(html: page.body.string).tags("input") where input.attributes["type"] == "hidden" {
                    if let name = input.attributes["name"] { fields[name] = input.attributes["value"] ?? "" }
                }
                fields["decision"] = "approve"
                #expect(try await flow.browser.postForm("/oauth/authorize", fields).status == .seeOther)
            }
            #expect(try await OAuthGrant.query(on: app.db).filter(\.$clientID == flow.clientID).count() == 1)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "oauth.consent_granted").count() == 1)
        }
    }

    @Test("the consent page names the redirect host as written, in ASCII: an internationalized name in its xn-- form, not letters that pass for others",
          arguments: TestDatabase.all)
    func consentShowsTheHostAsWritten(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await Self.setUp(app)
            let lookalike = "https://xn--80ak6aa92e.com/cb" // Cyrillic letters that read "apple"
            let registered = try await flow.browser.postObject("/oauth/register", ["client_name": "Look-alike", "redirect_uris": [lookalike]])
            let clientID = try #require(try AccountDataTests.json(registered)["client_id"] as? String)
            let other = Flow(browser: flow.browser, server: flow.server, clientID: clientID)
            let page = try await flow.browser.get(other.authorizeQuery(redirect: lookalike))
            #expect(page.status == .ok)
            #expect(page.body.string.contains("<code>xn--80ak6aa92e.com</code>"))
            #expect(!page.body.string.contains("\u{0430}\u{0440}\u{0440}"), "аpp in Cyrillic")
            // written otherwise (decoded by browsers into another host, or behind a user name), it is refused at registration
            for uri in ["https://evil.example%E3%80%82good.example/cb", "https://good.example%40evil.example/cb", "https://evil.example\\@good.example/cb"] {
                let refused = try await flow.browser.postObject("/oauth/register", ["client_name": "Odd", "redirect_uris": [uri]])
                #expect(refused.status == .badRequest, "\(uri)")
                #expect(try AccountDataTests.json(refused)["error"] as? String == "invalid_redirect_uri")
            }
        }
    }

    @Test("an error found before the person chose anything is not sent to a web address unasked: the page explains it and links back; loopback clients still get it at once",
          arguments: TestDatabase.all)
    func errorsForWebRedirectsAreShownNotSent(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await Self.setUp(app)
            let web = "https://app.example/callback"
            let registered = try await app.testing().sendRequest(.POST, "/oauth/register", headers: ["Content-Type": "application/json"],
                                                                 body: ByteBuffer(string: #"{"client_name":"Anyone","redirect_uris":["\#(web)"]}"#))
            let clientID = try #require(try AccountDataTests.json(registered)["client_id"] as? String)
            let webFlow = Flow(browser: flow.browser, server: flow.server, clientID: clientID)

            // when: a signed-out visitor follows a link with an unsupported response type, and another without PKCE
            let unsupported = try await app.testing().sendRequest(.GET, webFlow.authorizeQuery(redirect: web).replacingOccurrences(of: "response_type=code", with: "response_type=token"))
            let noPKCE = try await app.testing().sendRequest(.GET, webFlow.authorizeQuery(challenge: "", redirect: web))

            // then: no redirect; the page names where the link goes and the problem, and carries the answer the app expects
            for (page, error) in [(unsupported, "unsupported_response_type"), (noPKCE, "invalid_request")] {
                #expect(page.status == .badRequest)
                #expect(page.headers.first(name: .location) == nil)
                let html = HTMLInspector(html: page.body.string)
                #expect(html.texts("a").contains("Return to app.example"))
                #expect(page.body.string.contains("it returns to app.example"))
                let href = try #require(html.tags("a").compactMap { $0.attributes["href"] }.first { $0.hasPrefix(web) })
                let items = URLComponents(string: href)?.queryItems ?? []
                #expect(href.hasPrefix(web + "?"))
                #expect(items.first { $0.name == "error" }?.value == error)
                #expect(items.first { $0.name == "state" }?.value == "st+te/1 ü")
                #expect(items.first { $0.name == "iss" }?.value == "http://127.0.0.1:8080")
            }
            // and the same errors for a loopback client still go straight back to it (RFC 6749 §4.1.2.1)
            let loopback = try await app.testing().sendRequest(.GET, flow.authorizeQuery(challenge: ""))
            #expect(loopback.status == .seeOther)
            #expect(loopback.headers.first(name: .location)?.hasPrefix(Self.redirect + "?error=invalid_request") == true)
        }
    }

    @Test("a metadata-document app that returns to this device (loopback) is named, with a warning that any program here could be listening")
    func metadataDocumentClientReturningToThisDevice() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let flow = try await Self.setUp(app)
            let clientID = "https://app.example/oauth/client.json"
            let now = app.clock.now()
            for (url, redirect) in [(clientID, Self.redirect), (clientID + "?web", "https://app.example/callback")] {
                app.oauthMetadataCache.put(url, OAuthClients.Resolved(clientID: url, name: "Example App", redirectURIs: [redirect], isVerified: true),
                                           until: now.addingTimeInterval(3600), now: now)
            }
            // when
            let local = try await flow.browser.get(Flow(browser: flow.browser, server: flow.server, clientID: clientID).authorizeQuery())
            let web = try await flow.browser.get(Flow(browser: flow.browser, server: flow.server, clientID: clientID + "?web").authorizeQuery(redirect: "https://app.example/callback"))
            // then
            #expect(local.status == .ok)
            #expect(local.body.string.contains("This app sends you back to a program on this device (<code>127.0.0.1</code>)"))
            #expect(!local.body.string.contains("registered itself"))
            #expect(web.status == .ok)
            #expect(!web.body.string.contains("program on this device"), "a web address is named as the host it is")
        }
    }

    @Test("form-action sources: an http(s) origin, a native app's scheme, nothing that could break the header")
    func formActionSources() {
        #expect(OAuthAuthorizeController.formActionSource("http://127.0.0.1:33418/callback?x=1") == "http://127.0.0.1:33418")
        #expect(OAuthAuthorizeController.formActionSource("https://Claude.ai/api/mcp/auth_callback") == "https://claude.ai")
        #expect(OAuthAuthorizeController.formActionSource("cursor://anysphere.cursor-retrieval/oauth/callback") == "cursor:")
        #expect(OAuthAuthorizeController.formActionSource("http://[::1]:8123/cb") == "http:")
        #expect(OAuthAuthorizeController.formActionSource("not a url") == nil)
    }

    @Test("Settings → Connected apps lists the grant; revoking it ends the tokens and is audited", arguments: TestDatabase.all)
    func connectedApps(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let flow = try await Self.setUp(app)
            let tokens = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let access = try #require(tokens["access_token"] as? String)
            let settings = try await flow.browser.get("/settings")
            #expect(settings.body.string.contains("Test client"))
            let form = try #require(HTMLInspector(html: settings.body.string).tags("form").first { $0.attributes["action"]?.contains("/connected-apps/") == true })
            let csrf = try #require(BrowserSession.csrfField(in: settings.body.string))
            let revoked = try await flow.browser.postForm(try #require(form.attributes["action"]), ["csrf": csrf])
            #expect(revoked.status == .seeOther)
            #expect(try await flow.call(access).status == .unauthorized)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "oauth.grant_revoked").count() == 1)
            #expect(!(try await flow.browser.get("/settings")).body.string.contains("Test client"))
        }
    }

    @Test("an authorization request with damaged parameters gets the page, even when JSON is asked for")
    func unreadableQuery() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            // given: a key with an unclosed bracket and a value that is not valid percent-encoding
            let path = "/oauth/authorize?response_type=code&a%5Bb=1&c=%ZZ&client_id=bmmc_x"
            // when
            for accept in ["application/json", "text/html", "*/*"] {
                let page = try await app.testing().sendRequest(.GET, path, headers: ["Accept": accept])
                // then
                #expect(page.status == .badRequest, "\(accept)")
                #expect(page.headers.contentType?.description.hasPrefix("text/html") == true, "\(accept): \(page.body.string)")
                #expect(page.body.string.contains("unknown client_id"), "the other parameters are still read")
                #expect(page.headers.first(name: .location) == nil)
            }
        }
    }

    @Test("a client metadata document URL that resolves to a private address is refused on the page", arguments: TestDatabase.all, [
        "https://127.0.0.1/client.json", "https://169.254.169.254/latest/meta-data", "https://localhost:9/client",
    ])
    func metadataDocumentOnAPrivateAddress(database: TestDatabase, clientID: String) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let flow = try await Self.setUp(app)
            // when
            let page = try await flow.browser.get(Flow(browser: flow.browser, server: flow.server, clientID: clientID).authorizeQuery())
            // then
            #expect(page.status == .badRequest)
            #expect(page.headers.first(name: .location) == nil)
            #expect(page.body.string.contains("client metadata document could not be used"))
            // the page is generic: what the egress guard saw stays in the log
            for detail in ["loopback", "link-local", "resolves", "127.0.0.1 (", "::1"] {
                #expect(!page.body.string.contains(detail), "the page names \(detail)")
            }
        }
    }
}

extension OAuthTests {
    @Test("expiry boundaries: access tokens end after an hour (refresh still works), unused registrations after 90 days; registration is rate-limited", arguments: TestDatabase.all)
    func expiryAndLimits(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let flow = try await Self.setUp(app)
            let tokens = try AccountDataTests.json(try await flow.exchange(try await flow.code()))
            let access = try #require(tokens["access_token"] as? String)
            let refresh = try #require(tokens["refresh_token"] as? String)
            clock.advance(OAuthTokenService.accessLifetime - 5)
            #expect(try await flow.call(access).status == .ok, "still valid just before the hour")
            clock.advance(10)
            #expect(try await flow.call(access).status == .unauthorized, "expired just after")
            let renewed = try await flow.token(["grant_type": "refresh_token", "refresh_token": refresh, "client_id": flow.clientID])
            #expect(renewed.status == .ok)

            clock.advance(91 * 24 * 3600)
            let stale = try await flow.browser.get(flow.authorizeQuery())
            #expect(stale.status == .badRequest, "a registration unused for 90 days is gone")

            var statuses: [HTTPStatus] = []
            for index in 0..<(RateLimitPolicy().clientRegistrationsPerIP.limit + 1) {
                statuses.append(try await flow.browser.postObject("/oauth/register", ["client_name": "c\(index)", "redirect_uris": [Self.redirect]]).status)
            }
            #expect(statuses.last == .tooManyRequests)
            #expect(statuses.dropLast().allSatisfy { $0 == .created })
            // the refusal reads as an OAuth error at both addresses, in JSON whatever the client accepts
            for path in ["/oauth/register", "/register"] {
                let limited = try await flow.browser.send(.POST, path, headers: ["Content-Type": "application/json", "Accept": "text/html"],
                                                          body: ByteBuffer(string: #"{"redirect_uris":["\#(Self.redirect)"]}"#))
                #expect(limited.status == .tooManyRequests)
                let body = try AccountDataTests.json(limited)
                #expect(body["error"] as? String == "rate_limited")
                #expect((body["error_description"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test("registration takes JSON only; the root token and registration addresses answer errors in JSON")
    func machineEndpointErrors() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let form = try await app.testing().sendRequest(.POST, "/oauth/register", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                           body: ByteBuffer(string: "redirect_uris=https%3A%2F%2Fa.example%2Fcb"))
            #expect(form.status == .badRequest)
            #expect(try AccountDataTests.json(form)["error"] as? String == "invalid_client_metadata")
            #expect(try await OAuthClient.query(on: app.db).count() == 0)
            for path in ["/token", "/register", "/oauth/token"] {
                let wrongMethod = try await app.testing().sendRequest(.GET, path, headers: ["Accept": "text/html"])
                #expect(wrongMethod.status == .methodNotAllowed, "\(path)")
                #expect(wrongMethod.headers.contentType == .json, "\(path)")
                #expect(try AccountDataTests.json(wrongMethod)["error_description"] != nil, "\(path)")
            }
        }
    }
}
