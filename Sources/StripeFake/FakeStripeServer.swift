import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as Stripe would see it on the wire, with its form body (or query string) decoded.
public struct StripeWireRequest: Sendable {
    public var method: HTTPMethod
    public var path: String
    public var query: String
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers.first(name: name) }

    /// The parameters, decoded the way a server decodes `application/x-www-form-urlencoded`.
    public var parameters: [(String, String)] { FormDecoding.pairs(method == .GET ? query : bodyText) }

    public func parameter(_ name: String) -> String? { parameters.first { $0.0 == name }?.1 }
}

public enum FormDecoding {
    public static func pairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ raw: Substring) -> String {
                raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "\u{FFFD}"
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

/// What the fake answers instead of behaving like Stripe, for the next request.
public enum ScriptedStripeReply: Sendable {
    /// `headers` go out with it (e.g. Stripe-Should-Retry).
    case respond(status: Int, json: String, headers: [String: String] = [:])
    /// Reads the request and never answers.
    case hang
}

/// What the server answers outside Stripe's API (the `fake-stripe` tool's Stripe.js, hosted Checkout page and its
/// Pay form): a page, or with `location` a redirect.
public struct FakeStripePage: Sendable {
    public var status: Int
    public var contentType: String
    public var body: String
    public var location: String?

    public init(status: Int = 200, contentType: String, body: String, location: String? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.location = location
    }

    /// 303 See Other: the browser follows with a GET, as after Stripe's Checkout.
    public static func redirect(to location: String) -> FakeStripePage {
        FakeStripePage(status: 303, contentType: "text/plain; charset=utf-8", body: "", location: location)
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 that behaves like Stripe's API for the endpoints billing uses
/// (``FakeStripe`` holds the behaviour); scripted replies, when queued, answer first.
public final class FakeStripeServer: Sendable {
    public let port: Int
    public let stripe: FakeStripe
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let stopped = StopFlag()

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var requests: [StripeWireRequest] { stripe.requests }

    private init(port: Int, stripe: FakeStripe, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.port = port
        self.stripe = stripe
        self.group = group
        self.channel = channel
    }

    /// - Parameters:
    ///   - port: 0 for any free port.
    ///   - pages: GET requests it answers with a page before Stripe's API sees them (never recorded as requests).
    ///   - forms: the same for POSTs (path and form body), such as the hosted Checkout page's Pay button.
    ///   - webhook: where the events the fake produces are delivered after each request; none: they are dropped.
    public static func start(
        _ stripe: FakeStripe = FakeStripe(),
        port: Int = 0,
        webhook: FakeStripeWebhook? = nil,
        pages: @escaping @Sendable (String) -> FakeStripePage? = { _ in nil },
        forms: @escaping @Sendable (String, [(String, String)]) -> FakeStripePage? = { _, _ in nil }
    ) async throws -> FakeStripeServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(
                            StripeHandler(stripe: stripe, webhook: webhook, pages: pages, forms: forms))
                    }
                }
                .bind(host: "127.0.0.1", port: port)
                .get()
            guard let port = channel.localAddress?.port else { throw ServerError.noPort }
            return FakeStripeServer(port: port, stripe: stripe, group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Closes the listener and, with the event loop group, every connection still open.
    public func stop() async {
        guard stopped.set() else { return }
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    /// Until the listener closes (the `fake-stripe` tool runs until it is stopped).
    public func waitUntilClosed() async throws {
        try await channel.closeFuture.get()
    }

    private enum ServerError: Error { case noPort }
}

/// Whether ``FakeStripeServer/stop()`` ran: a test may stop the server early (Stripe down) and again when done.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var isSet = false

    /// True the first time only.
    func set() -> Bool {
        lock.withLock {
            defer { isSet = true }
            return !isSet
        }
    }
}

private final class StripeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let stripe: FakeStripe
    private let webhook: FakeStripeWebhook?
    private let pages: @Sendable (String) -> FakeStripePage?
    private let forms: @Sendable (String, [(String, String)]) -> FakeStripePage?
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(
        stripe: FakeStripe, webhook: FakeStripeWebhook?, pages: @escaping @Sendable (String) -> FakeStripePage?,
        forms: @escaping @Sendable (String, [(String, String)]) -> FakeStripePage?
    ) {
        self.stripe = stripe
        self.webhook = webhook
        self.pages = pages
        self.forms = forms
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += buffer.readableBytesView
        case .end:
            guard let head else { return }
            let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let path = String(parts[0])
            let page = switch head.method {
            case .GET: pages(path)
            case .POST: forms(path, FormDecoding.pairs(String(decoding: body, as: UTF8.self)))
            default: nil as FakeStripePage?
            }
            if let page {
                write(context, status: page.status, contentType: page.contentType, body: page.body,
                      extra: page.location.map { [("Location", $0)] } ?? [])
                deliverEvents()
                return
            }
            let request = StripeWireRequest(
                method: head.method,
                path: path,
                query: parts.count > 1 ? String(parts[1]) : "",
                headers: head.headers,
                body: body
            )
            guard let answer = stripe.handle(request) else { return }
            var extra = [("Request-Id", answer.requestID)] + answer.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if answer.replayed { extra.append(("Idempotent-Replayed", "true")) }
            write(context, status: answer.status, contentType: "application/json", body: answer.body, extra: extra)
            deliverEvents()
        }
    }

    /// After the answer, as Stripe sends webhooks once the change is made.
    private func deliverEvents() {
        guard let webhook else { return }
        webhook.send(stripe.takeEvents())
    }

    private func write(_ context: ChannelHandlerContext, status: Int, contentType: String, body: String, extra: [(String, String)]) {
        let headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(body.utf8.count))] + extra)
        let responseHead = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        let buffer = context.channel.allocator.buffer(string: body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
