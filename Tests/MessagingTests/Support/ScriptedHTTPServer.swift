import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as the provider would see it on the wire.
struct RecordedRequest: Sendable {
    var method: HTTPMethod
    var uri: String
    var headers: HTTPHeaders
    var body: [UInt8]

    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers.first(name: name) }

    var jsonObject: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// Form fields decoded the way a server decodes them (`+` is a space, `%XX` a byte).
    var formFields: [String: String] {
        var fields: [String: String] = [:]
        for pair in bodyText.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ raw: Substring) -> String {
                raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }

    /// `(user, password)` from an `Authorization: Basic …` header.
    var basicCredentials: (user: String, password: String)? {
        guard let value = header("Authorization"), value.hasPrefix("Basic "),
            let data = Data(base64Encoded: String(value.dropFirst("Basic ".count))),
            let decoded = String(data: data, encoding: .utf8),
            let colon = decoded.firstIndex(of: ":")
        else { return nil }
        return (String(decoded[..<colon]), String(decoded[decoded.index(after: colon)...]))
    }
}

/// What the fake provider answers.
enum ScriptedReply: Sendable {
    case respond(status: Int, body: String, contentType: String = "application/json")
    /// Reads the request and never answers, to exercise client timeouts.
    case hang
    /// Sends the status line and headers promising a body, then stalls.
    case stallAfterHead(status: Int)
}

/// A real HTTP/1.1 server on 127.0.0.1 with an ephemeral port that records every request and answers from a script.
final class ScriptedHTTPServer: Sendable {
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let recorder: Recorder

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [RecordedRequest] { recorder.requests }

    private init(port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel, recorder: Recorder) {
        self.port = port
        self.group = group
        self.channel = channel
        self.recorder = recorder
    }

    static func start(replying reply: ScriptedReply) async throws -> ScriptedHTTPServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let recorder = Recorder()
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        try channel.pipeline.syncOperations.addHandler(
                            RecordingHandler(reply: reply, recorder: recorder)
                        )
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            guard let port = channel.localAddress?.port else { throw ServerError.noPort }
            return ScriptedHTTPServer(port: port, group: group, channel: channel, recorder: recorder)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Closes the listener and, with the event loop group, every connection still open.
    func stop() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    private enum ServerError: Error { case noPort }
}

private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [RecordedRequest] = []

    var requests: [RecordedRequest] { lock.withLock { stored } }

    func append(_ request: RecordedRequest) { lock.withLock { stored.append(request) } }
}

private final class RecordingHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let reply: ScriptedReply
    private let recorder: Recorder
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(reply: ScriptedReply, recorder: Recorder) {
        self.reply = reply
        self.recorder = recorder
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
            recorder.append(RecordedRequest(method: head.method, uri: head.uri, headers: head.headers, body: body))
            respond(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext) {
        let status: Int
        let text: String
        let contentType: String
        switch reply {
        case .respond(let scriptedStatus, let scriptedText, let scriptedType):
            (status, text, contentType) = (scriptedStatus, scriptedText, scriptedType)
        case .hang:
            return
        case .stallAfterHead(let scriptedStatus):
            let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "100")])
            let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: scriptedStatus), headers: headers)
            context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
            return
        }
        let bytes = Array(text.utf8)
        let headers = HTTPHeaders([("Content-Type", contentType), ("Content-Length", String(bytes.count))])
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: bytes)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
