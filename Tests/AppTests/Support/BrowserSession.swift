@testable import App
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor
import VaporTesting

/// A cookie-keeping client for in-process requests: what a browser (or a test
/// pretending to be one) sends back after each response.
final class BrowserSession: @unchecked Sendable {
    let app: Application
    private(set) var cookies: [String: String] = [:]
    var origin: String?
    /// The User-Agent every request sends, if any.
    var userAgent: String?

    init(_ app: Application) {
        self.app = app
    }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: headers)
    }

    /// Posts an HTML form (`application/x-www-form-urlencoded`).
    @discardableResult
    func postForm(_ path: String, _ fields: [String: String]) async throws -> TestingHTTPResponse {
        var components = URLComponents()
        components.queryItems = fields.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let body = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return try await send(.POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    /// Posts JSON, adding the CSRF header the way the site's scripts do.
    @discardableResult
    func postJSON(_ path: String, _ json: [String: String], csrfHeader: Bool = true, method: HTTPMethod = .POST) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if csrfHeader, let token = csrfCookie { headers.add(name: "X-CSRF-Token", value: token) }
        let data = try JSONSerialization.data(withJSONObject: json)
        return try await send(method, path, headers: headers, body: ByteBuffer(data: data))
    }

    /// Posts any JSON object (nested values allowed), with the CSRF header.
    @discardableResult
    func postObject(_ path: String, _ object: Any, method: HTTPMethod = .POST, headers extra: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token = csrfCookie { headers.add(name: "X-CSRF-Token", value: token) }
        headers.add(contentsOf: extra)
        let data = try JSONSerialization.data(withJSONObject: object)
        return try await send(method, path, headers: headers, body: ByteBuffer(data: data))
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil) async throws -> TestingHTTPResponse {
        let response = try await app.testing().sendRequest(method, path, headers: withCookiesAndOrigin(headers), body: body)
        keepCookies(from: response.headers)
        return response
    }

    /// Sends like `send`, as a request from `address`. In-memory testing gives every
    /// other request no peer address at all (`Request.remoteAddress` is nil). Like any
    /// HTTP/1.1 request off the network it names a `Host`: the public URL's, unless
    /// `headers` names one or `withHost` is false.
    func send(_ method: HTTPMethod, _ path: String, from address: SocketAddress, headers: HTTPHeaders = [:], body: ByteBuffer? = nil,
              withHost: Bool = true) async throws -> Response {
        var headers = withCookiesAndOrigin(headers)
        if withHost, headers[.host].isEmpty, let url = URLComponents(string: app.config.publicURL), let host = url.host {
            headers.add(name: .host, value: url.port.map { "\(host):\($0)" } ?? host)
        }
        headers.replaceOrAdd(name: .contentLength, value: String(body?.readableBytes ?? 0))
        let request = Request(application: app, method: method, url: URI(path: path), headers: headers, collectedBody: body,
                              remoteAddress: address, logger: app.logger, on: app.eventLoopGroup.any())
        let response = try await app.responder.respond(to: request).get()
        keepCookies(from: response.headers)
        return response
    }

    private func withCookiesAndOrigin(_ headers: HTTPHeaders) -> HTTPHeaders {
        var headers = headers
        if !cookies.isEmpty {
            headers.replaceOrAdd(name: .cookie, value: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        if let origin { headers.replaceOrAdd(name: .origin, value: origin) }
        if let userAgent, headers[.userAgent].isEmpty { headers.add(name: .userAgent, value: userAgent) }
        return headers
    }

    private func keepCookies(from headers: HTTPHeaders) {
        for header in headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0]
            guard let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[pair.index(after: equals)...])
            let expired = header.lowercased().contains("max-age=0") || value.isEmpty
            if expired { cookies[name] = nil } else { cookies[name] = value }
        }
    }

    var csrfCookie: String? { cookies["bmm_csrf"] ?? cookies["__Host-bmm_csrf"] }
    var sessionCookie: String? { cookies["bmm_session"] ?? cookies["__Host-bmm_session"] }

    func forget(_ name: String) { cookies[name] = nil }
    func set(_ name: String, _ value: String) { cookies[name] = value }

    /// The `csrf` hidden field of the last form page.
    static func csrfField(in html: String) -> String? {
        hiddenField("csrf", in: html)
    }

    /// The value of the first input named `name`.
    static func hiddenField(_ name: String, in html: String) -> String? {
        HTMLInspector(html: html).tags("input").first { $0.attributes["name"] == name }?.attributes["value"]
    }
}

/// Messages the development outbox kept, newest first.
func outboxMessages(_ app: Application) async throws -> [OutboxMessage] {
    try await sendQueuedMail(app)
    return try await OutboxMessage.query(on: app.db).sort(\.$createdAt, .descending).all()
}

func latestOutboxBody(_ app: Application, to recipient: String) async throws -> String? {
    try await sendQueuedMail(app)
    return try await OutboxMessage.query(on: app.db).filter(\.$recipient == recipient).sort(\.$createdAt, .descending).first()?.body
}

/// Sends the mail queue's due emails with the app's own mailer, as `bmm serve`'s sender does after a
/// request queued them (tests run no background sender).
@discardableResult
func sendQueuedMail(_ app: Application) async throws -> Int {
    try await MailQueueSender(database: app.db, mailer: app.accounts.mailer, clock: app.clock, logger: app.logger).sendDue()
}

/// A clock tests can move forward.
final class TestClock: @unchecked Sendable {
    private let current = NIOLockedValueBox(Date())

    var clock: AppClock { AppClock { [current] in current.withLockedValue { $0 } } }

    func advance(_ seconds: TimeInterval) {
        current.withLockedValue { $0 = $0.addingTimeInterval(seconds) }
    }
}

import Fluent
