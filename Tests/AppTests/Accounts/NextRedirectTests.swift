@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("Where sign-in continues")
struct NextRedirectTests {
    @Test("a signed-in visit to /login goes to next= only when it is a plain local path", arguments: TestDatabase.all, [
        ("/servers", "/servers"),
        ("/%09/evil.example", "/dashboard"),
        ("//evil.example", "/dashboard"),
        ("/%5Cevil.example", "/dashboard"),
        ("https://evil.example/", "/dashboard"),
        ("/a%0D%0ASet-Cookie:%20x=1", "/dashboard"),
    ])
    func next(database: TestDatabase, target: (query: String, location: String)) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given a signed-in browser
            let browser = BrowserSession(app)
            _ = try await AccountsTests.signInByEmail(browser, email: AccountsTests.uniqueEmail())
            // when it opens the sign-in page with a next target
            let response = try await browser.get("/login?next=" + target.query)
            // then it continues there only if the target stays on this site
            #expect(response.status == .seeOther)
            #expect(response.headers.first(name: .location) == target.location)
        }
    }
}
