@testable import App
import Foundation
import Testing
import Vapor
import VaporTesting

@Suite("ETag, Last-Modified and 304 Not Modified")
struct HTTPCachingTests {
    @Test("If-None-Match decides alone when present, compares weakly, and `*` matches anything")
    func ifNoneMatch() {
        let tag = "W/\"abc\""
        #expect(ConditionalRequest(ifNoneMatch: [tag], ifModifiedSince: nil).isNotModified(eTag: tag, lastModified: nil))
        #expect(ConditionalRequest(ifNoneMatch: ["\"abc\""], ifModifiedSince: nil).isNotModified(eTag: tag, lastModified: nil))
        #expect(ConditionalRequest(ifNoneMatch: ["\"x\"", tag], ifModifiedSince: nil).isNotModified(eTag: tag, lastModified: nil))
        #expect(ConditionalRequest(ifNoneMatch: ["*"], ifModifiedSince: nil).isNotModified(eTag: tag, lastModified: nil))
        #expect(!ConditionalRequest(ifNoneMatch: ["W/\"abd\""], ifModifiedSince: nil).isNotModified(eTag: tag, lastModified: nil))
        #expect(!ConditionalRequest(ifNoneMatch: [tag], ifModifiedSince: nil).isNotModified(eTag: nil, lastModified: Date()))
        // a stale tag wins over a date that alone would have matched
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(!ConditionalRequest(ifNoneMatch: ["W/\"old\""], ifModifiedSince: now).isNotModified(eTag: tag, lastModified: now))
    }

    @Test("If-Match compares strongly (a weak tag matches nothing) and `*` matches any representation; a change naming a tag is refused before it runs",
          arguments: TestDatabase.all)
    func ifMatch(database: TestDatabase) async throws {
        #expect(ConditionalRequest.matchesStrongly(["\"a\""], eTag: "\"a\""))
        #expect(!ConditionalRequest.matchesStrongly(["W/\"a\""], eTag: "W/\"a\""))
        #expect(!ConditionalRequest.matchesStrongly(["\"a\""], eTag: nil))
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let page = try await app.testing().sendRequest(.GET, "/robots.txt")
            let tag = try #require(page.headers.first(name: .eTag))
            for (header, status) in [("\"nope\"", HTTPStatus.preconditionFailed), (tag, .preconditionFailed), ("*", .ok)] {
                let answer = try await app.testing().sendRequest(.GET, "/robots.txt", headers: ["If-Match": header])
                #expect(answer.status == status, "If-Match: \(header)")
            }
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let guarded = try await browser.send(.POST, "/v1/tokens", headers: [
                "Content-Type": "application/json", "X-CSRF-Token": browser.csrfCookie ?? "", "If-Match": "\"definitely-not-current\""],
                body: ByteBuffer(string: #"{"name":"guarded"}"#))
            #expect(guarded.status == .preconditionFailed)
            #expect(try AccountDataTests.json(guarded)["error"] as? String == "precondition_failed")
            #expect(try await APIToken.query(on: app.db).count() == 0, "nothing was changed")
        }
    }

    @Test("RFC 9110 §13.2.1: If-Match is ignored where the answer without it is not a success (a stranger gets 401, an unknown path 404)",
          arguments: TestDatabase.all)
    func ifMatchAfterGuards(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let stale: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json", "If-Match": "\"stale\""]
            let stranger = try await app.testing().sendRequest(.POST, "/v1/tokens", headers: stale, body: ByteBuffer(string: #"{"name":"x"}"#))
            #expect(stranger.status == .unauthorized)
            let nowhere = try await app.testing().sendRequest(.DELETE, "/v1/no-such-thing", headers: stale)
            #expect(nowhere.status == .notFound)
            let (browser, _) = try await AccountDataTests.signedIn(app)
            var withoutCSRF = stale
            withoutCSRF.replaceOrAdd(name: "Origin", value: "https://evil.example")
            let forged = try await browser.send(.POST, "/v1/tokens", headers: withoutCSRF, body: ByteBuffer(string: #"{"name":"x"}"#))
            #expect(forged.status == .forbidden, "the CSRF check answers before the precondition")
        }
    }

    @Test("HTTP dates: IMF-fixdate, RFC 850 (two-digit years within 50 years ahead) and asctime all read; other text is nil")
    func obsoleteDates() throws {
        let instant = Date(timeIntervalSince1970: 784_111_777) // Sun, 06 Nov 1994 08:49:37 GMT
        let now = Date(timeIntervalSince1970: 1_796_000_000) // 2026
        #expect(HTTPDate.date("Sun, 06 Nov 1994 08:49:37 GMT", now: now) == instant)
        #expect(HTTPDate.date("Sunday, 06-Nov-94 08:49:37 GMT", now: now) == instant)
        #expect(HTTPDate.date("Sun Nov  6 08:49:37 1994", now: now) == instant)
        let late = try #require(HTTPDate.date("Friday, 01-Jan-99 00:00:00 GMT", now: now))
        #expect(DayLabel.utcCalendar.component(.year, from: late) == 1999, "2099 is more than 50 years after 2026")
        let within = try #require(HTTPDate.date("Tuesday, 01-Jan-75 00:00:00 GMT", now: now))
        #expect(DayLabel.utcCalendar.component(.year, from: within) == 2075, "2075 is not")
        let soon = try #require(HTTPDate.date("Friday, 01-Jan-38 00:00:00 GMT", now: now))
        #expect(DayLabel.utcCalendar.component(.year, from: soon) == 2038)
        #expect(HTTPDate.date("yesterday", now: now) == nil)
        // a field sent twice is ignored
        var twice = HTTPHeaders()
        twice.add(name: "If-Modified-Since", value: "Sun, 06 Nov 1994 08:49:37 GMT")
        twice.add(name: "If-Modified-Since", value: "Sun, 06 Nov 2094 08:49:37 GMT")
        #expect(ConditionalRequest(twice).ifModifiedSince == nil)
    }

    @Test("If-Unmodified-Since refuses a read changed since (unless If-Match decides); If-None-Match: * refuses a change", arguments: TestDatabase.all)
    func unmodifiedSinceAndNoneMatch(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            let page = try await app.testing().sendRequest(.GET, "/robots.txt")
            let modified = try #require(page.headers.first(name: .lastModified))
            let before = "Sat, 01 Jan 2000 00:00:00 GMT"
            #expect(try await app.testing().sendRequest(.GET, "/robots.txt", headers: ["If-Unmodified-Since": before]).status == .preconditionFailed)
            #expect(try await app.testing().sendRequest(.GET, "/robots.txt", headers: ["If-Unmodified-Since": modified]).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/robots.txt", headers: ["If-Unmodified-Since": before, "If-Match": "*"]).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/robots.txt", headers: ["If-Modified-Since": "Sunday, 06-Nov-94 08:49:37 GMT"]).status == .ok)
            let (browser, _) = try await AccountDataTests.signedIn(app)
            let guarded = try await browser.send(.PATCH, "/v1/account/profile", headers: [
                "Content-Type": "application/json", "X-CSRF-Token": browser.csrfCookie ?? "", "If-None-Match": "*"],
                body: ByteBuffer(string: #"{"displayName":"Changed"}"#))
            #expect(guarded.status == .preconditionFailed)
            let unchanged = try #require(try await User.query(on: app.db).first())
            #expect(unchanged.displayName != "Changed")
            let listed = try await browser.send(.PATCH, "/v1/account/profile", headers: [
                "Content-Type": "application/json", "X-CSRF-Token": browser.csrfCookie ?? "", "If-None-Match": "\"some-tag\""],
                body: ByteBuffer(string: #"{"displayName":"Changed"}"#))
            #expect(listed.status == .ok, "a listed tag matches nothing here, so the change goes ahead")
        }
    }

    @Test("If-Modified-Since: not modified at or after Last-Modified (to the second), modified before it")
    func ifModifiedSince() {
        let modified = Date(timeIntervalSince1970: 1_800_000_000.75)
        let atTheSecond = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ConditionalRequest(ifNoneMatch: nil, ifModifiedSince: atTheSecond).isNotModified(eTag: nil, lastModified: modified))
        #expect(ConditionalRequest(ifNoneMatch: nil, ifModifiedSince: atTheSecond + 60).isNotModified(eTag: nil, lastModified: modified))
        #expect(!ConditionalRequest(ifNoneMatch: nil, ifModifiedSince: atTheSecond - 1).isNotModified(eTag: nil, lastModified: modified))
        #expect(!ConditionalRequest(ifNoneMatch: nil, ifModifiedSince: atTheSecond).isNotModified(eTag: "W/\"a\"", lastModified: nil))
        #expect(!ConditionalRequest(ifNoneMatch: nil, ifModifiedSince: nil).isNotModified(eTag: "W/\"a\"", lastModified: modified))
    }

    @Test("request headers parse: a list of tags, an HTTP date, and a malformed date ignored")
    func parsing() {
        let headers: HTTPHeaders = ["If-None-Match": "W/\"a\", \"b\"", "If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"]
        let condition = ConditionalRequest(headers)
        #expect(condition.ifNoneMatch == ["W/\"a\"", "\"b\""])
        #expect(condition.ifModifiedSince == Date(timeIntervalSince1970: 784_111_777))
        #expect(ConditionalRequest(["If-Modified-Since": "yesterday"]).ifModifiedSince == nil)
        #expect(ConditionalRequest([:]).ifNoneMatch == nil)
        #expect(HTTPDate.string(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test("pages, site files and assets carry validators; each revalidates to a 304 that keeps the security headers",
          arguments: ["/", "/docs/quickstart", "/pricing", "/robots.txt", "/search-index.json", "/sw.js", "asset:css/site.css", "asset:js/site.js", "asset:icons/icon-192.png"])
    func revalidates(path: String) async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let url = path.hasPrefix("asset:") ? try app.publicSite.assets.url(String(path.dropFirst("asset:".count))) : path
            // given a first answer
            let first = try await get(app, url)
            #expect(first.status == .ok)
            let eTag = try #require(first.headers.first(name: .eTag), "\(path)")
            let lastModified = try #require(first.headers.first(name: .lastModified), "\(path)")
            #expect(eTag.hasPrefix("W/\""))
            #expect(HTTPDate.date(lastModified) != nil)
            // when it is asked again with its validators
            let byTag = try await get(app, url, headers: ["If-None-Match": eTag])
            let byDate = try await get(app, url, headers: ["If-Modified-Since": lastModified])
            let stale = try await get(app, url, headers: ["If-None-Match": "W/\"something-else\""])
            let earlier = try await get(app, url, headers: ["If-Modified-Since": HTTPDate.string(HTTPDate.date(lastModified)! - 1)])
            // then
            for answer in [byTag, byDate] {
                #expect(answer.status == .notModified, "\(path)")
                #expect(answer.body.readableBytes == 0)
                #expect(answer.headers.first(name: .eTag) == eTag)
                #expect(answer.headers.first(name: .contentType) == nil)
                #expect(answer.headers.first(name: .cacheControl) == first.headers.first(name: .cacheControl))
                #expect(answer.headers.first(name: "Content-Security-Policy") != nil)
            }
            #expect(stale.status == .ok)
            #expect(stale.body == first.body)
            #expect(earlier.status == .ok)
            // and the same body gives the same tag
            #expect(try await get(app, url).headers.first(name: .eTag) == eTag)
        }
    }

    @Test("the live sitemap, which adds templates from the database, is hashed as sent and claims no Last-Modified")
    func sitemap() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            // when
            let first = try await get(app, "/sitemap.xml")
            // then
            #expect(first.headers.first(name: .eTag) == ConditionalRequest.weakETag(for: first.body))
            #expect(first.headers.first(name: .lastModified) == nil)
            let again = try await get(app, "/sitemap.xml", headers: ["If-None-Match": try #require(first.headers.first(name: .eTag))])
            #expect(again.status == .notModified)
        }
    }

    @Test("an ETag is the hash of the body: another page has another")
    func distinctTags() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let home = try await get(app, "/")
            let docs = try await get(app, "/docs/quickstart")
            #expect(home.headers.first(name: .eTag) == ConditionalRequest.weakETag(for: home.body))
            #expect(home.headers.first(name: .eTag) != docs.headers.first(name: .eTag))
        }
    }

    @Test("text that may be compressed says Vary: Accept-Encoding; a PNG does not")
    func vary() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            #expect(try await get(app, "/").headers[canonicalForm: "Vary"].contains("Accept-Encoding"))
            #expect(try await get(app, "/search-index.json").headers[canonicalForm: "Vary"].contains("Accept-Encoding"))
            let png = try await get(app, try app.publicSite.assets.url("icons/icon-192.png"))
            #expect(!png.headers[canonicalForm: "Vary"].contains("Accept-Encoding"))
        }
    }

    @Test("a signed-in page is no-store and gets no validator, so no cache keeps or revalidates it", arguments: TestDatabase.all)
    func signedInPages(database: TestDatabase) async throws {
        try await withConfiguredApp(try testConfig(database: database)) { app in
            // given
            let (browser, _) = try await AccountDataTests.signedIn(app)
            for path in ["/dashboard", "/settings", "/servers"] {
                // when
                let page = try await browser.get(path)
                // then
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers.first(name: .cacheControl) == "no-store", "\(path)")
                #expect(page.headers.first(name: .eTag) == nil, "\(path)")
                #expect(page.headers.first(name: .lastModified) == nil, "\(path)")
                #expect(try await browser.get(path, headers: ["If-Modified-Since": HTTPDate.string(Date() + 3600)]).status == .ok)
            }
        }
    }
}
