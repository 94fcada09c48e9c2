@testable import App
import Foundation
import Precompression
import Testing
import Vapor
import VaporTesting

@Suite("gzip for text answers")
struct TextCompressionTests {
    @Test("Accept-Encoding: gzip is chosen whatever else is offered, unless refused with q=0")
    func negotiation() {
        #expect(TextCompressionMiddleware.acceptsGzip(["gzip", "deflate", "br"]))
        #expect(TextCompressionMiddleware.acceptsGzip(["deflate", "gzip;q=0.5"]))
        #expect(TextCompressionMiddleware.acceptsGzip(["*"]))
        #expect(!TextCompressionMiddleware.acceptsGzip(["gzip;q=0", "*"]))
        #expect(!TextCompressionMiddleware.acceptsGzip(["br", "deflate"]))
        #expect(!TextCompressionMiddleware.acceptsGzip([]))
    }

    @Test("text types are told by their essence, parameters and case aside; event streams and images are not text")
    func textTypes() {
        func isText(_ contentType: String?) -> Bool {
            var headers = HTTPHeaders()
            if let contentType { headers.add(name: .contentType, value: contentType) }
            return headers.hasCompressedTextType
        }
        #expect(isText("text/html; charset=utf-8"))
        #expect(isText("Application/JSON"))
        #expect(isText(" application/problem+json ;charset=utf-8"))
        #expect(isText("image/svg+xml"))
        #expect(!isText("text/event-stream"))
        #expect(!isText("image/png"))
        #expect(!isText("application/jsonl"))
        #expect(!isText(nil))
    }

    @Test("pages, styles, scripts and JSON go out as gzip that decodes to the identity answer", arguments: ["/", "/docs/quickstart", "/search-index.json", "asset:css/site.css", "asset:js/site.js"])
    func compressed(path: String) async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let url = path.hasPrefix("asset:") ? try app.publicSite.assets.url(String(path.dropFirst("asset:".count))) : path
            // when
            let plain = try await get(app, url)
            let gzip = try await get(app, url, headers: ["Accept-Encoding": "gzip, deflate, br"])
            // then
            #expect(plain.headers.first(name: .contentEncoding) == nil)
            #expect(gzip.headers.first(name: .contentEncoding) == "gzip")
            #expect(gzip.headers[canonicalForm: "Vary"].contains("Accept-Encoding"))
            #expect(gzip.headers.first(name: .eTag) == plain.headers.first(name: .eTag))
            #expect(gzip.headers.first(name: "Content-Security-Policy") != nil)
            #expect(gzip.body.readableBytes < plain.body.readableBytes / 2)
            #expect(try Precompression.gunzip(Array(buffer: gzip.body)) == Array(buffer: plain.body))
        }
    }

    @Test("an image, a tiny answer and a 304 stay as they are")
    func leftAlone() async throws {
        try await withConfiguredApp(try testConfig()) { app in
            let accept: HTTPHeaders = ["Accept-Encoding": "gzip"]
            #expect(try await get(app, try app.publicSite.assets.url("icons/icon-192.png"), headers: accept).headers.first(name: .contentEncoding) == nil)
            #expect(try await get(app, "/healthz", headers: accept).headers.first(name: .contentEncoding) == nil)
            let tag = try #require(try await get(app, "/").headers.first(name: .eTag))
            let notModified = try await get(app, "/", headers: ["Accept-Encoding": "gzip", "If-None-Match": tag])
            #expect(notModified.status == .notModified)
            #expect(notModified.headers.first(name: .contentEncoding) == nil)
            #expect(notModified.body.readableBytes == 0)
        }
    }
}
