@testable import App
import Core
import Fluent
import NIOCore
import Foundation
import Testing
import Vapor
import VaporTesting

/// Sign-in end to end over HTTP (in process), on every database.
@Suite("Accounts: sign-in, sessions, CSRF")
struct AccountsTests {
    /// Signs in through the HTML forms and the outbox, as a person would.
    static func signInByEmail(_ browser: BrowserSession, email: String) async throws -> TestingHTTPResponse {
        let login = try await browser.get("/login")
        let csrf = try #require(BrowserSession.csrfField(in: login.body.string))
        let sent = try await browser.postForm("/login/email", ["email": email, "csrf": csrf, "next": "/dashboard"])
        #expect(sent.status == .seeOther)
        let body = try #require(try await latestOutboxBody(browser.app, to: email.lowercased()))
        let link = try #require(DevOutboxController.firstLink(in: body))
        let path = String(link.dropFirst(browser.app.publicSite.baseURL.count))
        let confirm = try await browser.get(path)
        #expect(confirm.status == .ok)
        let token = try #require(HTMLInspector(html: confirm.body.string).tags("input").first { $0.attributes["name"] == "token" }?.attributes["value"])
        return try await browser.postForm("/auth/magic", ["token": token, "csrf": csrf])
    }

    static func uniqueEmail() -> String { "person-\(UUID().uuidString.prefix(8))@Example.com" }

    @Test("magic link: request, open, confirm, signed in; account, org and audit events created", arguments: TestDatabase.all)
    func magicLinkFlow(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let browser = BrowserSession(app)
            let email = Self.uniqueEmail()
            // when
            let signedIn = try await Self.signInByEmail(browser, email: email)
            // then
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/dashboard")
            let cookie = try #require(signedIn.headers[.setCookie].first { $0.hasPrefix("bmm_session=") })
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
            #expect(cookie.contains("Path=/"))
            let dashboard = try await browser.get("/dashboard")
            #expect(dashboard.status == .ok)
            #expect(dashboard.headers.first(name: .cacheControl) == "no-store")
            let me = try await browser.get("/v1/auth/me")
            #expect(me.status == .ok)
            let json = try JSONSerialization.jsonObject(with: Data(me.body.string.utf8)) as? [String: Any]
            #expect((json?["user"] as? [String: Any])?["email"] as? String == email.lowercased())
            #expect((json?["plan"] as? [String: Any])?["id"] as? String == "hobby")
            #expect((json?["org"] as? [String: Any])?["role"] as? String == "owner")
            #expect(json?["isAdmin"] as? Bool == false)

            let user = try #require(try await User.query(on: app.db).filter(\.$email == email.lowercased()).first())
            let actions = try await AuditEvent.query(on: app.db).all().map(\.action)
            #expect(actions.contains("auth.magic_link_requested"))
            #expect(actions.contains("account.created"))
            #expect(actions.contains("auth.signed_in"))
            let signInEvent = try #require(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_in").first())
            #expect(signInEvent.actorUserID == user.id)
            // the token is never written anywhere but the message
            let everything = try await AuditEvent.query(on: app.db).all().map(\.metadata).joined()
            #expect(!everything.contains(email.lowercased()))
        }
    }

    @Test("a magic link works once, for ten minutes, only in the browser that asked", arguments: TestDatabase.all)
    func magicLinkRules(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            func requestLink(_ browser: BrowserSession, _ email: String) async throws -> String {
                let response = try await browser.postJSON("/v1/auth/magic-link", ["email": email])
                #expect(response.status == .accepted)
                let body = try #require(try await latestOutboxBody(app, to: email.lowercased()))
                let link = try #require(DevOutboxController.firstLink(in: body))
                return String(link.split(separator: "=", maxSplits: 1)[1])
            }
            func complete(_ browser: BrowserSession, _ token: String) async throws -> TestingHTTPResponse {
                _ = try await browser.get("/login")
                return try await browser.postForm("/auth/magic", ["token": token, "csrf": browser.csrfCookie ?? ""])
            }

            // reuse
            let browser = BrowserSession(app)
            let token = try await requestLink(browser, Self.uniqueEmail())
            let first = try await complete(browser, token)
            #expect(first.status == .seeOther)
            let reused = try await complete(browser, token)
            #expect(reused.status == .badRequest)
            #expect(reused.body.string.contains("already used"))

            // another browser
            let other = BrowserSession(app)
            let token2 = try await requestLink(BrowserSession(app), Self.uniqueEmail())
            let wrongBrowser = try await complete(other, token2)
            #expect(wrongBrowser.status == .badRequest)
            #expect(wrongBrowser.body.string.contains("browser where you asked"))
            #expect(HTMLInspector(html: wrongBrowser.body.string).tags("a").contains { $0.attributes["href"] == "/login" }, "a way to sign in here")

            // expiry
            let late = BrowserSession(app)
            let token3 = try await requestLink(late, Self.uniqueEmail())
            clock.advance(LoginService.lifetime + 1)
            let expired = try await complete(late, token3)
            #expect(expired.status == .badRequest)
            #expect(expired.body.string.contains("expired"))
            #expect(late.sessionCookie == nil)

            // unknown
            let unknown = try await complete(BrowserSession(app), "not-a-real-token")
            #expect(unknown.status == .badRequest)

            let failures = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.sign_in_failed").all()
            #expect(Set(failures.map(\.metadata)).count == 4)
        }
    }

    @Test("failed sign-in link checks are rate-limited per address like codes: guesses end in 429 with Retry-After; links that work count nothing",
          arguments: TestDatabase.all)
    func magicLinkGuessesAreLimited(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let login = try await browser.get("/login")
            let csrf = try #require(BrowserSession.csrfField(in: login.body.string))
            let limit = RateLimitPolicy().signInVerifiesPerIP.limit
            func guess(_ number: Int) async throws -> TestingHTTPResponse {
                try await browser.postForm("/auth/magic", ["token": "guess-\(number)", "csrf": csrf])
            }
            // given all but one of the address's failures used up
            for number in 1..<limit { #expect(try await guess(number).status == .badRequest) }
            // links that work still sign people in from the same address, and count nothing
            for _ in 0..<3 {
                #expect(try await Self.signInByEmail(BrowserSession(app), email: Self.uniqueEmail()).status == .seeOther)
            }
            // then the last allowed failure, the one past it, and a guess refused before it is checked
            #expect(try await guess(limit).status == .badRequest)
            #expect(try await guess(limit + 1).status == .tooManyRequests)
            let refused = try await guess(limit + 2)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers.first(name: .retryAfter) != nil)
            let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "auth.sign_in_failed").count()
            #expect(audited == limit + 1, "a guess refused before it was checked writes no audit row")
        }
    }

    @Test("opening the link (GET) never signs in: scanners and previews cannot use it up", arguments: TestDatabase.all)
    func magicLinkGetIsSafe(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let email = Self.uniqueEmail()
            _ = try await browser.postJSON("/v1/auth/magic-link", ["email": email])
            let body = try #require(try await latestOutboxBody(app, to: email.lowercased()))
            let link = try #require(DevOutboxController.firstLink(in: body))
            let path = String(link.dropFirst(app.publicSite.baseURL.count))
            _ = try await browser.get(path)
            _ = try await browser.get(path)
            #expect(browser.sessionCookie == nil)
            let open = try await LoginChallenge.query(on: app.db).filter(\.$consumedAt == nil).count()
            #expect(open == 1)
        }
    }

    @Test("SMS code without its attempt's cookie: refused with a message that names the cookie; the code still works with it",
          arguments: TestDatabase.all)
    func smsWithoutAttemptCookie(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let phone = "+4179" + String(format: "%07d", Int.random(in: 0..<10_000_000))
            #expect(try await browser.postJSON("/v1/auth/sms", ["phone": phone]).status == .accepted)
            let code = String(try #require(try await latestOutboxBody(app, to: phone)).prefix(6))
            let attempt = try #require(browser.cookies["bmm_attempt"])

            // when: a script that kept no cookies verifies
            browser.forget("bmm_attempt")
            let refused = try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": code])

            // then
            #expect(refused.status == .badRequest)
            let body = try AccountDataTests.json(refused)
            #expect(body["error"] as? String == "code_expired")
            #expect((body["message"] as? String)?.contains("bmm_attempt") == true)
            browser.set("bmm_attempt", attempt)
            #expect(try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": code]).status == .ok)
        }
    }

    @Test("a script signed in by SMS over the API gets the CSRF cookie with its session, so its writes and sign-out work",
          arguments: TestDatabase.all)
    func smsSessionCanWrite(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a client that never loads a page
            let browser = BrowserSession(app)
            let phone = "+4179" + String(format: "%07d", Int.random(in: 0..<10_000_000))
            #expect(try await browser.postJSON("/v1/auth/sms", ["phone": phone]).status == .accepted)
            let code = String(try #require(try await latestOutboxBody(app, to: phone)).prefix(6))

            // when it signs in
            #expect(try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": code]).status == .ok)

            // then its session carries the CSRF cookie, echoed in the header its writes need
            #expect(browser.csrfCookie != nil)
            let token = try await browser.postObject("/v1/tokens", ["name": "cli", "scopes": ["api"]])
            #expect(token.status == .created, "\(token.body.string)")
            // and a client that lost the cookie gets it back from /v1/auth/me
            browser.forget("bmm_csrf")
            #expect(try await browser.get("/v1/auth/me").status == .ok)
            #expect(browser.csrfCookie != nil)
            // a token's "sign out" ends nothing, so the audit log does not say it did, and the token still works
            let secret = try #require(try AccountDataTests.json(token)["token"] as? String)
            let byToken = try await app.testing().sendRequest(.POST, "/v1/auth/logout", headers: ["Authorization": "Bearer \(secret)"])
            #expect(byToken.status == .noContent)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_out").count() == 0)
            #expect(try await app.testing().sendRequest(.GET, "/v1/auth/me", headers: ["Authorization": "Bearer \(secret)"]).status == .ok)
            #expect(try await browser.postJSON("/v1/auth/logout", [:]).status == .noContent)
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "auth.signed_out").count() == 1)
        }
    }

    @Test("SMS code: wrong codes count down, the fifth kills the code, a new code signs in", arguments: TestDatabase.all)
    func smsFlow(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let phone = "+4179" + String(format: "%07d", Int.random(in: 0..<10_000_000))
            #expect(try await browser.postJSON("/v1/auth/sms", ["phone": phone]).status == .accepted)
            let body = try #require(try await latestOutboxBody(app, to: phone))
            let code = String(body.prefix(6))
            #expect(code.allSatisfy { $0.isNumber })
            let wrong = code == "000000" ? "111111" : "000000"

            for left in (0..<LoginService.maxWrongCodes).reversed() {
                let response = try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": wrong])
                #expect(response.status == .badRequest)
                let error = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]
                #expect(error?["error"] as? String == "wrong_code")
                if left > 0 { #expect((error?["message"] as? String)?.contains("\(left)") == true) }
            }
            let dead = try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": code])
            #expect(dead.status == .tooManyRequests)
            #expect(browser.sessionCookie == nil)

            #expect(try await browser.postJSON("/v1/auth/sms", ["phone": phone]).status == .accepted)
            let fresh = String(try #require(try await latestOutboxBody(app, to: phone)).prefix(6))
            let attemptCookie = try #require(browser.cookies["bmm_attempt"])
            let verified = try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": fresh])
            #expect(verified.status == .ok)
            #expect(browser.sessionCookie != nil)
            let json = try JSONSerialization.jsonObject(with: Data(verified.body.string.utf8)) as? [String: Any]
            #expect((json?["user"] as? [String: Any])?["phone"] as? String == phone)
            // single use: a second click sent before the first answer arrived (with the sign-in
            // attempt's cookie, without the new session, which would need the CSRF header)
            browser.forget("bmm_session")
            browser.set("bmm_attempt", attemptCookie)
            let again = try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": fresh])
            #expect(again.status == .badRequest)
            #expect(try AccountDataTests.json(again)["error"] as? String == "code_used")
            #expect(browser.sessionCookie == nil)
            // any other code for the used one is no code at all, and counts no try
            let other = try await browser.postJSON("/v1/auth/sms/verify", ["phone": phone, "code": fresh == "000000" ? "111111" : "000000"])
            #expect(other.status == .badRequest)
            #expect(try AccountDataTests.json(other)["error"] as? String == "code_expired")
            #expect(try await LoginChallenge.query(on: app.db).filter(\.$target == phone).filter(\.$consumedAt != nil).all().map(\.failedAttempts) == [1])
        }
    }

    @Test("SMS sign-in through the HTML forms: country select + national number, then the code", arguments: TestDatabase.all)
    func smsForms(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let csrf = try #require(BrowserSession.csrfField(in: try await browser.get("/login").body.string))
            let national = "79 " + String(Int.random(in: 100...999)) + " 45 67"
            let sent = try await browser.postForm("/login/sms", ["country": "CH", "national": national, "csrf": csrf, "next": "/dashboard"])
            #expect(sent.status == .seeOther)
            let location = try #require(sent.headers.first(name: .location))
            let e164 = "+41" + national.replacingOccurrences(of: " ", with: "")
            #expect(location == "/login/sms/verify?phone=%2B41" + e164.dropFirst(3), "where sign-in continues stays on the server")
            let form = try await browser.get(location)
            #expect(form.status == .ok)
            let phoneField = HTMLInspector(html: form.body.string).tags("input").first { $0.attributes["name"] == "phone" }
            #expect(phoneField?.attributes["value"] == e164)
            let code = String(try #require(try await latestOutboxBody(app, to: e164)).prefix(6))
            let signedIn = try await browser.postForm("/login/sms/verify", ["phone": e164, "code": code, "csrf": csrf, "next": "/dashboard"])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers.first(name: .location) == "/dashboard")
            #expect(try await browser.get("/dashboard").status == .ok)
        }
    }

    @Test("each request for a link or code renews the attempt cookie for another hour, keeping its value")
    func attemptCookieRenewed() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let browser = BrowserSession(app)
            func attemptCookie(_ response: TestingHTTPResponse) -> String? {
                response.headers[.setCookie].first { $0.hasPrefix("bmm_attempt=") }
            }
            let first = try #require(attemptCookie(try await browser.postJSON("/v1/auth/magic-link", ["email": Self.uniqueEmail()])))
            let second = try #require(attemptCookie(try await browser.postJSON("/v1/auth/magic-link", ["email": Self.uniqueEmail()])),
                                      "the second request sets it again (it ran out an hour after the first)")
            #expect(second.contains("Max-Age=3600"))
            #expect(first.split(separator: ";")[0] == second.split(separator: ";")[0], "the same attempt: the first link still works")
        }
    }

    @Test("sending is rate-limited with Retry-After; known and unknown addresses get the same answer", arguments: TestDatabase.all)
    func rateLimitsAndEnumeration(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let known = Self.uniqueEmail()
            _ = try await Self.signInByEmail(BrowserSession(app), email: known)
            let unknown = Self.uniqueEmail()
            let a = try await browser.postJSON("/v1/auth/magic-link", ["email": known])
            let b = try await browser.postJSON("/v1/auth/magic-link", ["email": unknown])
            #expect(a.status == b.status)
            #expect(a.body.string == b.body.string)

            var last: TestingHTTPResponse?
            for _ in 0..<RateLimitPolicy().signInSendsPerTargetAndClient.limit {
                last = try await browser.postJSON("/v1/auth/magic-link", ["email": unknown])
            }
            let limited = try #require(last)
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers.first(name: "Retry-After") ?? "") ?? 0 > 0)
            let error = try JSONSerialization.jsonObject(with: Data(limited.body.string.utf8)) as? [String: Any]
            #expect(error?["error"] as? String == "rate_limited")
        }
    }

    @Test("someone else's requests cannot lock an address or a number out: sends are limited per client, and only real guesses count against a number",
          arguments: TestDatabase.all)
    func noLockoutByOthers(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let attacker = try SocketAddress(ipAddress: "198.51.100.7", port: 5000)
            let owner = try SocketAddress(ipAddress: "198.51.100.8", port: 5000)
            func post(_ browser: BrowserSession, _ path: String, _ body: [String: String], from: SocketAddress) async throws -> Response {
                try await browser.send(.POST, path, from: from, headers: ["Content-Type": "application/json"],
                                       body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
            }
            // given an attacker who asks for sign-in links to someone's address until refused
            let email = Self.uniqueEmail()
            let stranger = BrowserSession(app)
            var sends: [HTTPStatus] = []
            for _ in 0..<4 { sends.append(try await post(stranger, "/v1/auth/magic-link", ["email": email], from: attacker).status) }
            #expect(sends == [.accepted, .accepted, .accepted, .tooManyRequests])
            // then its owner, elsewhere, still gets one
            #expect(try await post(BrowserSession(app), "/v1/auth/magic-link", ["email": email], from: owner).status == .accepted)

            // given an attacker who sends codes for someone's number without any code of theirs (once, 30 locked it a day)
            let phone = "+4179" + String(format: "%07d", Int.random(in: 0..<10_000_000))
            var guesses: [HTTPStatus] = []
            for _ in 0..<31 { guesses.append(try await post(stranger, "/v1/auth/sms/verify", ["phone": phone, "code": "000000"], from: attacker).status) }
            #expect(guesses.last == .tooManyRequests, "the attacker's own address is limited")
            // then the number's owner signs in with the code sent to them
            let person = BrowserSession(app)
            #expect(try await post(person, "/v1/auth/sms", ["phone": phone], from: owner).status == .accepted)
            let code = String(try #require(try await latestOutboxBody(app, to: phone)).prefix(6))
            let signedIn = try await post(person, "/v1/auth/sms/verify", ["phone": phone, "code": code], from: owner)
            #expect(signedIn.status == .ok, "\(signedIn.body.string ?? "")")
        }
    }

    @Test("CSRF: forms need the token, fetch with a session needs the header, foreign origins are refused", arguments: TestDatabase.all)
    func csrf(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            _ = try await browser.get("/login")
            let noToken = try await browser.postForm("/login/email", ["email": Self.uniqueEmail()])
            #expect(noToken.status == .forbidden)
            let wrongToken = try await browser.postForm("/login/email", ["email": Self.uniqueEmail(), "csrf": "forged"])
            #expect(wrongToken.status == .forbidden)
            #expect(try await outboxMessages(app).isEmpty)

            _ = try await Self.signInByEmail(browser, email: Self.uniqueEmail())
            let noHeader = try await browser.postJSON("/v1/auth/logout", [:], csrfHeader: false)
            #expect(noHeader.status == .forbidden)
            #expect(try await browser.get("/v1/auth/me").status == .ok)

            browser.origin = "https://evil.example"
            let foreign = try await browser.postJSON("/v1/auth/logout", [:])
            #expect(foreign.status == .forbidden)
            let body = try JSONSerialization.jsonObject(with: Data(foreign.body.string.utf8)) as? [String: Any]
            #expect(body?["error"] as? String == "csrf_failed")
            #expect(try await browser.get("/v1/auth/me").status == .ok)

            // a bearer token is the request's credential (any cookie beside it is not read), so it needs no CSRF
            // token, with a stray session cookie or a form body; a foreign Origin is still refused
            browser.origin = nil
            let created = try await browser.postObject("/v1/tokens", ["name": "script", "scopes": ["api"]])
            let token = try #require(try AccountDataTests.json(created)["token"] as? String)
            let withCookie = try await app.testing().sendRequest(.PATCH, "/v1/account/profile", headers: [
                "Authorization": "Bearer \(token)", "Cookie": "bmm_session=garbage", "Content-Type": "application/json",
            ], body: ByteBuffer(string: #"{"displayName":"Scripted"}"#))
            #expect(withCookie.status == .ok, "\(withCookie.body.string)")
            let fromAfar = try await app.testing().sendRequest(.PATCH, "/v1/account/profile", headers: [
                "Authorization": "Bearer \(token)", "Origin": "https://evil.example", "Content-Type": "application/json",
            ], body: ByteBuffer(string: #"{"displayName":"Evil"}"#))
            #expect(fromAfar.status == .forbidden)
            #expect(try await User.query(on: app.db).filter(\.$displayName == "Evil").count() == 0)
        }
    }

    @Test("a form sent without its token gets a page that says nothing changed and leads back to the form; the token cookie outlives the browser session")
    func expiredForm() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let browser = BrowserSession(app)
            let login = try await browser.get("/login")
            let cookie = try #require(login.headers[.setCookie].first { $0.hasPrefix("bmm_csrf=") })
            #expect(cookie.contains("Max-Age=\(30 * 24 * 3600)"))
            // a later form page renews the same token's lifetime
            let again = try await browser.get("/login")
            #expect(again.headers[.setCookie].contains { $0.hasPrefix("bmm_csrf=\(browser.csrfCookie ?? "-");") && $0.contains("Max-Age=") })

            let typed = "someone@example.com"
            let stale = try await browser.send(.POST, "/login/email", headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html",
                "Referer": app.config.publicURL + "/login?next=%2Fservers",
            ], body: ByteBuffer(string: "email=\(typed)&csrf=from-another-browser"))
            #expect(stale.status == .forbidden)
            let page = HTMLInspector(html: stale.body.string)
            #expect(page.texts("h1") == ["This form expired"])
            #expect(stale.body.string.contains("Nothing was changed"))
            #expect(stale.body.string.contains(#"<a class="button button-primary" href="/login?next=%2Fservers">Back to the form</a>"#))
            #expect(try await outboxMessages(app).isEmpty)

            // a Referer from elsewhere is not followed back
            let foreignReferer = try await browser.send(.POST, "/login/email", headers: [
                "Content-Type": "application/x-www-form-urlencoded", "Referer": "https://evil.example/login",
            ], body: ByteBuffer(string: "email=\(typed)&csrf=forged"))
            #expect(foreignReferer.status == .forbidden)
            #expect(!foreignReferer.body.string.contains("evil.example"))
        }
    }

    @Test("sign-out kills the session on the server; idle and absolute timeouts end it", arguments: TestDatabase.all)
    func sessionLifetime(database: TestDatabase) async throws {
        let clock = TestClock()
        try await withConfiguredApp(try testConfig(database: database)) { app in
            app.clock = clock.clock
            let browser = BrowserSession(app)
            _ = try await Self.signInByEmail(browser, email: Self.uniqueEmail())
            let stolen = try #require(browser.sessionCookie)
            // an address typed or bookmarked: a page with the button, which signs nobody out by itself
            let asked = try await browser.get("/logout")
            #expect(asked.status == .ok)
            #expect(HTMLInspector(html: asked.body.string).tags("form").contains { $0.attributes["action"] == "/logout" && $0.attributes["method"] == "post" })
            #expect(try await browser.get("/v1/auth/me").status == .ok)
            let logout = try await browser.postForm("/logout", ["csrf": browser.csrfCookie ?? ""])
            #expect(logout.status == .seeOther)
            #expect(browser.sessionCookie == nil)
            let replay = BrowserSession(app)
            replay.set("bmm_session", stolen)
            #expect(try await replay.get("/v1/auth/me").status == .unauthorized)
            let signedOut = try await browser.get("/logout")
            #expect(signedOut.status == .seeOther && signedOut.headers.first(name: .location) == "/")

            let idle = BrowserSession(app)
            _ = try await Self.signInByEmail(idle, email: Self.uniqueEmail())
            clock.advance(SessionService.idleTimeout - 3600)
            #expect(try await idle.get("/v1/auth/me").status == .ok)
            clock.advance(SessionService.idleTimeout + 1)
            #expect(try await idle.get("/v1/auth/me").status == .unauthorized)

            let busy = BrowserSession(app)
            _ = try await Self.signInByEmail(busy, email: Self.uniqueEmail())
            for _ in 0..<5 {
                clock.advance(SessionService.absoluteTimeout / 5 - 60)
                _ = try await busy.get("/v1/auth/me")
            }
            clock.advance(600)
            #expect(try await busy.get("/v1/auth/me").status == .unauthorized)
        }
    }

    @Test("a new session id at every sign-in: a planted cookie is never adopted, and the one the browser had ends", arguments: TestDatabase.all)
    func sessionRotation(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given an attacker-chosen session cookie in the victim's browser
            let browser = BrowserSession(app)
            browser.set("bmm_session", "attacker-chosen-value")
            let email = Self.uniqueEmail()
            // when the victim signs in
            _ = try await Self.signInByEmail(browser, email: email)
            // then the session id is a fresh random one, and signing in again elsewhere gives another
            let first = try #require(browser.sessionCookie)
            #expect(first != "attacker-chosen-value")
            #expect(first.count >= 43)
            let attacker = BrowserSession(app)
            attacker.set("bmm_session", "attacker-chosen-value")
            #expect(try await attacker.get("/v1/auth/me").status == .unauthorized)
            let other = BrowserSession(app)
            _ = try await Self.signInByEmail(other, email: email)
            #expect(other.sessionCookie != first)
            // and a link completed in the same browser while signed in (a second sign-in tab) ends the session it
            // carried (the signed-in browsers list showed a second browser)
            #expect(try await browser.postJSON("/v1/auth/magic-link", ["email": email]).status == .accepted)
            let mail = try #require(try await latestOutboxBody(app, to: email.lowercased()))
            let link = try #require(DevOutboxController.firstLink(in: mail))
            let token = try #require(URLComponents(string: link)?.queryItems?.first { $0.name == "token" }?.value)
            #expect(try await browser.postForm("/auth/magic", ["token": token, "csrf": try #require(browser.csrfCookie)]).status == .seeOther)
            let again = try #require(browser.sessionCookie)
            #expect(again != first)
            let replayed = BrowserSession(app)
            replayed.set("bmm_session", first)
            #expect(try await replayed.get("/v1/auth/me").status == .unauthorized)
            #expect(try await Session.query(on: app.db).count() == 2, "this browser's and the other's")
        }
    }

    @Test("over https the cookies are __Host- prefixed and Secure")
    func secureCookies() async throws {
        let config = try testConfig(environment: ["BMM_PUBLIC_URL": "https://mcp.example.com"])
        try await withConfiguredApp(config) { app in
            let login = try await app.testing().sendRequest(.GET, "/login")
            let cookie = try #require(login.headers[.setCookie].first)
            #expect(cookie.hasPrefix("__Host-bmm_csrf="))
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Domain"))
        }
    }

    @Test("the check-your-email page shows only a masked address, never other text from its link")
    func checkEmailShowsOnlyAMaskedAddress() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let masked = try await app.testing().sendRequest(.GET, "/login/check-email?to=" + "p•••@example.com".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(masked.body.string.contains("p•••@example.com"))
            let spoof = "Your account is locked. Call +1-800-555-0100 now"
            let spoofed = try await app.testing().sendRequest(.GET, "/login/check-email?to=" + spoof.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            #expect(spoofed.status == .ok)
            #expect(!spoofed.body.string.contains("800-555"))
            #expect(spoofed.body.string.contains("your address"))
            #expect(AuthPagesController.isMaskedAddress(try EmailAddress.parse("someone@mail.example.org").masked))
            for text in ["p•••@", "•••@x.org", "pp•••@x.org", "p•••@x org", "p•••@localhost"] {
                #expect(!AuthPagesController.isMaskedAddress(text), "\(text)")
            }
        }
    }

    @Test("bad input gets a clear error and changes nothing", arguments: TestDatabase.all)
    func badInput(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let browser = BrowserSession(app)
            let email = try await browser.postJSON("/v1/auth/magic-link", ["email": "not-an-email"])
            #expect(email.status == .badRequest)
            #expect(email.body.string.contains("\"error\":\"invalid_email\""))
            let phone = try await browser.postJSON("/v1/auth/sms", ["phone": "+41 12"])
            #expect(phone.status == .badRequest)
            #expect(phone.body.string.contains("\"error\":\"invalid_phone\""))
            let missing = try await browser.postJSON("/v1/auth/sms/verify", ["phone": "+41791234567"])
            #expect(missing.status == .badRequest)

            let page = try await browser.get("/login")
            let csrf = try #require(BrowserSession.csrfField(in: page.body.string))
            let form = try await browser.postForm("/login/email", ["email": "typo@@example", "csrf": csrf])
            #expect(form.status == .unprocessableEntity)
            let field = HTMLInspector(html: form.body.string).tags("input").first { $0.attributes["name"] == "email" }
            #expect(field?.attributes["value"] == "typo@@example")
            #expect(form.body.string.contains("field-error"))

            let phoneForm = try await browser.postForm("/login/sms", ["country": "CH", "national": "12ab", "csrf": csrf])
            #expect(phoneForm.status == .unprocessableEntity)
            let national = HTMLInspector(html: phoneForm.body.string).tags("input").first { $0.attributes["name"] == "national" }
            #expect(national?.attributes["value"] == "12ab")

            // (bodies over 64 KB are refused with 413 by the HTTP server; see Tests/e2e/test_accounts.py)
            let long = try await browser.postJSON("/v1/auth/magic-link", ["email": String(repeating: "a", count: 300) + "@example.com"])
            #expect(long.status == .badRequest)
            #expect(try await outboxMessages(app).isEmpty)
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }

    @Test("the login page offers at least 60 countries with Switzerland selected")
    func loginPage() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let page = HTMLInspector(html: try await app.testing().sendRequest(.GET, "/login").body.string)
            let options = page.tags("option")
            #expect(options.count >= 60)
            #expect(options.first { $0.attributes["selected"] != nil }?.attributes["value"] == "CH")
            #expect(page.h1Count == 1)
        }
    }

    @Test("the outbox exists in development only", arguments: TestDatabase.all)
    func outboxOnlyInDevelopment(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let page = try await app.testing().sendRequest(.GET, "/dev/outbox")
            let json = try await app.testing().sendRequest(.GET, "/dev/outbox.json")
            #expect(page.status == .ok)
            #expect(json.status == .ok)
        }
        let production = try testConfig(database: database, environment: [
            "BMM_ENV": "production",
            "BMM_PUBLIC_URL": "https://mcp.example.com",
            "BMM_SESSION_SECRET": String(repeating: "ef", count: 32),
            "BMM_ENCRYPTION_KEY": Data(repeating: 3, count: 32).base64EncodedString(),
        ])
        try await withConfiguredApp(production) { app in
            let page = try await app.testing().sendRequest(.GET, "/dev/outbox")
            let json = try await app.testing().sendRequest(.GET, "/dev/outbox.json")
            #expect(page.status == .notFound)
            #expect(json.status == .notFound)
        }
    }

    @Test("signed out, /v1/auth/me is 401 and the dashboard sends you to sign in")
    func signedOut() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let me = try await app.testing().sendRequest(.GET, "/v1/auth/me")
            #expect(me.status == .unauthorized)
            #expect(me.body.string.contains("\"error\":\"unauthorized\""))
            #expect(me.headers.first(name: .wwwAuthenticate) == #"Bearer realm="BuildMyMCPServer""#, "RFC 9110 §11.6.1: a 401 names a scheme")
            let basic = try await app.testing().sendRequest(.GET, "/v1/servers", headers: ["Authorization": "Basic Zm9vOmJhcg=="])
            #expect(basic.status == .unauthorized)
            #expect(basic.headers.first(name: .wwwAuthenticate)?.hasPrefix("Bearer") == true)
            let dashboard = try await app.testing().sendRequest(.GET, "/dashboard")
            #expect(dashboard.status == .seeOther)
            #expect(dashboard.headers.first(name: .location) == "/login?next=/dashboard")
        }
    }
}

@Suite("Development outbox exposure")
struct OutboxExposureTests {
    @Test("the outbox answers only this machine, even in development", arguments: [
        ("127.0.0.1", true), ("::1", true), ("203.0.113.5", false), ("10.1.2.3", false), ("2001:db8::1", false),
    ])
    func localOnly(address: String, allowed: Bool) async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let request = Request(application: app, method: .GET, url: URI(path: "/dev/outbox"),
                                  remoteAddress: try SocketAddress(ipAddress: address, port: 40000), on: app.eventLoopGroup.any())
            if allowed {
                #expect(throws: Never.self) { try DevOutboxController.requireLocal(request) }
            } else {
                #expect(throws: (any Error).self) { try DevOutboxController.requireLocal(request) }
            }
        }
    }
}
