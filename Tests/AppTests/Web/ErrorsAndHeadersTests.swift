@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Errors and security headers")
struct ErrorsAndHeadersTests {
    @Test("security headers are on every response, errors and assets included", arguments: ["/", "/docs/quickstart", "/healthz", "/no-such-page", "/v1/nothing", "/sitemap.xml"])
    func securityHeaders(path: String) async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let response = try await get(app, path)
            let csp = try #require(response.headers.first(name: "Content-Security-Policy"))
            #expect(csp.contains("frame-ancestors 'none'"))
            #expect(csp.contains("object-src 'none'"))
            #expect(csp.contains("base-uri 'none'"))
            #expect(csp.contains("script-src 'self'"))
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(response.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin")
            // HSTS only in production: over plain-http development it would lock browsers out
            #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
        }
    }

    @Test("production adds HSTS")
    func hsts() async throws {
        let config = try testConfig(environment: [
            "BMM_ENV": "production",
            "BMM_PUBLIC_URL": "https://mcp.example.com",
            "BMM_SESSION_SECRET": String(repeating: "cd", count: 32),
            "BMM_ENCRYPTION_KEY": Data(repeating: 9, count: 32).base64EncodedString(),
        ])
        try await withConfiguredApp(config) { app in
            let response = try await get(app, "/")
            #expect(response.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
            #expect(HTMLInspector(html: response.body.string).canonical == "https://mcp.example.com/")
        }
    }

    @Test("a path that exists under other methods is 405 with Allow; OPTIONS lists them; a path that does not exist stays 404 (RFC 9110 §15.5.6, §9.3.7)")
    func methodNotAllowed() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let post = try await app.testing().sendRequest(.POST, "/pricing", headers: ["Accept": "text/html"])
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers.first(name: .allow) == "GET, HEAD")
            #expect(post.headers.contentType?.subType == "html", "a browser gets a page")
            let put = try await app.testing().sendRequest(.PUT, "/v1/servers")
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers.first(name: .allow) == "GET, HEAD, POST")
            #expect(try AccountDataTests.json(put)["error"] as? String == "method_not_allowed")
            let mcp = try await app.testing().sendRequest(.PATCH, "/mcp/\(UUID().uuidString.lowercased())")
            #expect(mcp.status == .methodNotAllowed)
            #expect(mcp.headers.first(name: .allow) == "DELETE, GET, HEAD, POST")
            let options = try await app.testing().sendRequest(.OPTIONS, "/pricing")
            #expect(options.status == .noContent)
            #expect(options.headers.first(name: .allow) == "GET, HEAD")
            #expect(try await app.testing().sendRequest(.POST, "/no-such-page").status == .notFound)
            #expect(try await app.testing().sendRequest(.OPTIONS, "/no-such-page").status == .notFound)
        }
    }

    @Test("a path that names a route of other methods is 405 also where a parameter's route takes the method (GET /v1/servers/preview)",
          arguments: TestDatabase.all)
    func methodNotAllowedBesideAParameter(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let csrf: HTTPHeaders = ["X-CSRF-Token": browser.csrfCookie ?? ""]
            for (method, path, allow) in [(HTTPMethod.GET, "/v1/servers/preview", "POST"), (.DELETE, "/v1/servers/preview", "POST"),
                                          (.DELETE, "/v1/servers/slug-availability", "GET, HEAD"), (.PATCH, "/v1/templates/mine", "GET, HEAD")] {
                let response = try await browser.send(method, path, headers: csrf)
                #expect(response.status == .methodNotAllowed, "\(method) \(path): \(response.body.string)")
                #expect(response.headers.first(name: .allow) == allow, "\(method) \(path)")
                #expect(try AccountDataTests.json(response)["error"] as? String == "method_not_allowed")
                // and OPTIONS says the same (RFC 9110 §9.3.7): not the parameter route's methods
                let options = try await app.testing().sendRequest(.OPTIONS, path)
                #expect(options.headers.first(name: .allow) == allow, "OPTIONS \(path)")
            }
            // a parameter that names nothing stays 404, and the routes themselves answer
            let unknown = try await browser.send(.GET, "/v1/servers/\(UUID().uuidString.lowercased())")
            #expect(try AccountDataTests.json(unknown)["error"] as? String == "server_not_found")
            #expect(try await browser.send(.GET, "/v1/servers/not-an-id").status == .notFound)
            #expect(try await browser.send(.GET, "/v1/servers/slug-availability?slug=free").status == .ok)
            #expect(try await browser.send(.GET, "/v1/templates/mine").status == .ok)
        }
    }

    @Test("an unknown page gets the friendly 404 page with status 404", arguments: ["/nope", "/docs/does-not-exist", "/docs/quickstart/extra"])
    func notFoundPage(path: String) async throws {
        try await withConfiguredApp(try testConfig()) { app in
            // when
            let response = try await get(app, path)
            // then
            #expect(response.status == .notFound)
            #expect(response.headers.contentType == .html)
            let page = HTMLInspector(html: response.body.string)
            #expect(page.h1Count == 1)
            #expect(page.meta(name: "robots") == "noindex")
            #expect(page.texts("h1").first == "Page not found")
            #expect(page.tags("a").contains { $0.attributes["href"] == "/docs" })
        }
    }

    @Test("signed in, a missing page keeps the app's navigation and is never cached; signed out it is the public 404", arguments: TestDatabase.all)
    func notFoundSignedIn(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let missing = "/servers/" + UUID().uuidString.lowercased()
            let mine = try await browser.get(missing)
            #expect(mine.status == .notFound)
            #expect(mine.body.string.contains("class=\"app-nav\""))
            #expect(mine.headers.first(name: .cacheControl)?.contains("no-store") == true)
            #expect(HTMLInspector(html: mine.body.string).texts("h1").first == "Page not found")
            let theirs = try await get(app, "/nope")
            #expect(!theirs.body.string.contains("class=\"app-nav\""))
        }
    }

    @Test("API clients get JSON errors with a snake_case code")
    func jsonErrors() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let response = try await get(app, "/v1/unknown")
            #expect(response.status == .notFound)
            #expect(response.headers.contentType == .json)
            let body = try JSONSerialization.jsonObject(with: Data(response.body.string.utf8)) as? [String: Any]
            #expect(body?["error"] as? String == "not_found")
            #expect((body?["message"] as? String)?.isEmpty == false)

            let accept = try await get(app, "/nope", headers: ["Accept": "application/json"])
            #expect(accept.headers.contentType == .json)
        }
    }

    @Test("an unexpected error shows a generic page with a request id, never the detail")
    func unexpectedError() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            struct SecretDetail: Error, CustomStringConvertible { var description: String { "db password hunter2" } }
            app.get("boom") { _ -> String in throw SecretDetail() }
            let response = try await get(app, "/boom")
            #expect(response.status == .internalServerError)
            let body = response.body.string
            #expect(!body.contains("hunter2"))
            #expect(body.contains("Something went wrong"))
            let id = try #require(response.headers.first(name: "X-Request-Id"))
            #expect(body.contains(id))
        }
    }
}
