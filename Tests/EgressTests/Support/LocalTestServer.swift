import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A request as the test server saw it on the wire.
struct SeenRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: [UInt8]

    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// What the test server answers on one path. `{port}` in a redirect location becomes the server's port.
enum TestReply: Sendable {
    case text(String, status: Int = 200)
    /// Answers with the request body.
    case echo
    case redirect(status: Int, location: String)
    /// Declares a `Content-Length` of `bytes` and sends that many bytes.
    case sized(bytes: Int)
    /// Sends `count` chunks of `size` bytes without a `Content-Length`.
    case chunked(size: Int, count: Int)
    /// Reads the request and never answers.
    case hang
}

/// A real HTTP/1.1 server on 127.0.0.1 with an ephemeral port, optionally behind TLS. Paths not in `routes` get 404.
final class LocalTestServer: Sendable {
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let log: RequestLog

    var requests: [SeenRequest] { log.requests }

    private init(port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel, log: RequestLog) {
        self.port = port
        self.group = group
        self.channel = channel
        self.log = log
    }

    static func start(routes: [String: TestReply], tls: NIOSSLContext? = nil) async throws -> LocalTestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let log = RequestLog()
        let port = PortBox()
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                        }
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(
                            RouteHandler(routes: routes, log: log, port: port.value)
                        )
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            guard let boundPort = channel.localAddress?.port else { throw ServerError.noPort }
            port.value = boundPort
            return LocalTestServer(port: boundPort, group: group, channel: channel, log: log)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    private enum ServerError: Error { case noPort }
}

/// Runs `body` with a started server and always stops it.
func withTestServer<T>(
    routes: [String: TestReply],
    tls: NIOSSLContext? = nil,
    _ body: (LocalTestServer) async throws -> T
) async throws -> T {
    let server = try await LocalTestServer.start(routes: routes, tls: tls)
    do {
        let result = try await body(server)
        await server.stop()
        return result
    } catch {
        await server.stop()
        throw error
    }
}

private final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = 0
    var value: Int {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

private final class RequestLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [SeenRequest] = []

    var requests: [SeenRequest] { lock.withLock { stored } }

    func append(_ request: SeenRequest) { lock.withLock { stored.append(request) } }
}

private final class RouteHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: [String: TestReply]
    private let log: RequestLog
    private let port: Int
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(routes: [String: TestReply], log: RequestLog, port: Int) {
        self.routes = routes
        self.log = log
        self.port = port
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
            let request = SeenRequest(method: head.method, uri: head.uri, headers: head.headers, body: body)
            log.append(request)
            let path = String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
            respond(to: request, with: routes[path] ?? .text("not found", status: 404), context: context)
        }
    }

    private func respond(to request: SeenRequest, with reply: TestReply, context: ChannelHandlerContext) {
        switch reply {
        case .text(let text, let status):
            send(status: status, headers: [], body: Array(text.utf8), context: context)
        case .echo:
            send(status: 200, headers: [], body: request.body, context: context)
        case .redirect(let status, let location):
            let resolved = location.replacingOccurrences(of: "{port}", with: String(port))
            send(status: status, headers: [("Location", resolved)], body: Array("moved".utf8), context: context)
        case .sized(let bytes):
            send(status: 200, headers: [], body: Array(repeating: UInt8(ascii: "x"), count: bytes), context: context)
        case .chunked(let size, let count):
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Transfer-Encoding": "chunked"])
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let chunk = context.channel.allocator.buffer(repeating: UInt8(ascii: "y"), count: size)
            for _ in 0..<count {
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil)
            }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        case .hang:
            return
        }
    }

    private func send(status: Int, headers: [(String, String)], body: [UInt8], context: ChannelHandlerContext) {
        var fields = HTTPHeaders(headers)
        fields.add(name: "Content-Length", value: String(body.count))
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: fields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
