import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as Stripe would see it on the wire, with its form body (or query string) decoded.
struct StripeWireRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var query: String
    var headers: HTTPHeaders
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }
    func header(_ name: String) -> String? { headers.first(name: name) }

    /// The parameters, decoded the way a server decodes `application/x-www-form-urlencoded`.
    var parameters: [(String, String)] { FormDecoding.pairs(method == .GET ? query : bodyText) }

    func parameter(_ name: String) -> String? { parameters.first { $0.0 == name }?.1 }
}

enum FormDecoding {
    static func pairs(_ text: String) -> [(String, String)] {
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
enum ScriptedStripeReply: Sendable {
    case respond(status: Int, json: String)
    /// Reads the request and never answers.
    case hang
}

/// A real HTTP/1.1 server on 127.0.0.1 that behaves like Stripe's API for the endpoints billing uses
/// (``FakeStripe`` holds the behaviour); scripted replies, when queued, answer first.
final class FakeStripeServer: Sendable {
    let port: Int
    let stripe: FakeStripe
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [StripeWireRequest] { stripe.requests }

    private init(port: Int, stripe: FakeStripe, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.port = port
        self.stripe = stripe
        self.group = group
        self.channel = channel
    }

    static func start(_ stripe: FakeStripe = FakeStripe()) async throws -> FakeStripeServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(StripeHandler(stripe: stripe))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            guard let port = channel.localAddress?.port else { throw ServerError.noPort }
            return FakeStripeServer(port: port, stripe: stripe, group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Closes the listener and, with the event loop group, every connection still open.
    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private enum ServerError: Error { case noPort }
}

private final class StripeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let stripe: FakeStripe
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(stripe: FakeStripe) { self.stripe = stripe }

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
            let request = StripeWireRequest(
                method: head.method,
                path: String(parts[0]),
                query: parts.count > 1 ? String(parts[1]) : "",
                headers: head.headers,
                body: body
            )
            guard let answer = stripe.handle(request) else { return }
            var headers = HTTPHeaders([
                ("Content-Type", "application/json"), ("Content-Length", String(answer.body.utf8.count)),
                ("Request-Id", answer.requestID),
            ])
            if answer.replayed { headers.add(name: "Idempotent-Replayed", value: "true") }
            let responseHead = HTTPResponseHead(
                version: .http1_1, status: .init(statusCode: answer.status), headers: headers)
            context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
            let buffer = context.channel.allocator.buffer(string: answer.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Runs `body` with a started fake Stripe and a fresh HTTP client, and shuts both down whatever happens.
func withFakeStripe<T>(
    _ stripe: FakeStripe = FakeStripe(),
    _ body: (FakeStripeServer, HTTPClient) async throws -> T
) async throws -> T {
    let server = try await FakeStripeServer.start(stripe)
    let client = HTTPClient()
    let result: Result<T, any Error>
    do {
        result = .success(try await body(server, client))
    } catch {
        result = .failure(error)
    }
    try await client.shutdown()
    await server.stop()
    return try result.get()
}
