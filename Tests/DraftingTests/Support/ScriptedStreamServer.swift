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
}

/// One scripted answer: a head, body bytes in the chunks given (each after its delay), then an ending.
struct ScriptedExchange: Sendable {
    enum Ending: Sendable {
        /// Ends the body properly.
        case complete
        /// Closes the connection mid-body, as a crashed upstream would.
        case close
        /// Sends nothing more and keeps the connection open.
        case hang
    }

    struct Chunk: Sendable {
        var bytes: [UInt8]
        var delay: Duration
    }

    var status = 200
    var headers: [(String, String)] = []
    var chunks: [Chunk] = []
    var ending = Ending.complete
    /// False: reads the request and never answers at all.
    var answers = true

    static let hangBeforeHead = ScriptedExchange(answers: false)

    static func json(_ body: String, status: Int = 200, headers: [(String, String)] = []) -> ScriptedExchange {
        ScriptedExchange(
            status: status,
            headers: [("Content-Type", "application/json")] + headers,
            chunks: [Chunk(bytes: Array(body.utf8), delay: .zero)]
        )
    }

    /// A `text/event-stream` body sent as the given raw byte chunks, `delay` apart so they reach the client apart.
    static func events(
        _ chunks: [[UInt8]],
        delay: Duration = .milliseconds(15),
        ending: Ending = .complete
    ) -> ScriptedExchange {
        ScriptedExchange(
            headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")],
            chunks: chunks.map { Chunk(bytes: $0, delay: delay) },
            ending: ending
        )
    }

    static func events(_ text: String, delay: Duration = .milliseconds(15), ending: Ending = .complete)
        -> ScriptedExchange
    {
        events([Array(text.utf8)], delay: delay, ending: ending)
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 with an ephemeral port. It records every request and plays the script:
/// the n-th request gets the n-th exchange (the last one repeats).
final class ScriptedStreamServer: Sendable {
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    private let serving: Task<Void, Never>
    private let log: ServerLog

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [RecordedRequest] { log.requests }
    /// Connections that have ended, whichever side ended them.
    var closedConnections: Int { log.closedConnections }

    private init(
        port: Int,
        group: MultiThreadedEventLoopGroup,
        serverChannel: any Channel,
        serving: Task<Void, Never>,
        log: ServerLog
    ) {
        self.port = port
        self.group = group
        self.serverChannel = serverChannel
        self.serving = serving
        self.log = log
    }

    static func start(_ script: [ScriptedExchange]) async throws -> ScriptedStreamServer {
        precondition(!script.isEmpty, "a script needs at least one exchange")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let log = ServerLog()
        do {
            let server = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: "127.0.0.1", port: 0) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel
                        )
                    }
                }
            guard let port = server.channel.localAddress?.port else { throw ServerError.noPort }
            let serverChannel = server.channel
            let serving = Task<Void, Never> {
                await withDiscardingTaskGroup { connections in
                    try? await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            connections.addTask { await serve(connection, script: script, log: log) }
                        }
                    }
                }
            }
            return ScriptedStreamServer(
                port: port, group: group, serverChannel: serverChannel, serving: serving, log: log
            )
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    static func start(_ exchange: ScriptedExchange) async throws -> ScriptedStreamServer {
        try await start([exchange])
    }

    /// Stops listening and drops every connection still open.
    func stop() async {
        serving.cancel()
        try? await serverChannel.close()
        await serving.value
        try? await group.shutdownGracefully()
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        script: [ScriptedExchange],
        log: ServerLog
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var parts = inbound.makeAsyncIterator()
            while true {
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                reading: while let part = try await parts.next() {
                    switch part {
                    case .head(let received): head = received
                    case .body(let buffer): body += buffer.readableBytesView
                    case .end: break reading
                    }
                }
                guard let head else { return }
                let index = log.append(
                    RecordedRequest(method: head.method, uri: head.uri, headers: head.headers, body: body))
                let exchange = script[min(index, script.count - 1)]
                guard exchange.answers else {
                    while try await parts.next() != nil {}
                    return
                }
                let headers = HTTPHeaders(exchange.headers)
                try await outbound.write(
                    .head(
                        HTTPResponseHead(
                            version: .http1_1, status: .init(statusCode: exchange.status), headers: headers)))
                for chunk in exchange.chunks {
                    if chunk.delay > .zero { try await Task.sleep(for: chunk.delay) }
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk.bytes))))
                }
                switch exchange.ending {
                case .complete:
                    try await outbound.write(.end(nil))
                case .close:
                    // Lets the last chunk leave before the connection drops.
                    try await Task.sleep(for: .milliseconds(50))
                    return
                case .hang:
                    while try await parts.next() != nil {}
                    return
                }
            }
        }
        log.connectionClosed()
    }

    private enum ServerError: Error { case noPort }
}

private final class ServerLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [RecordedRequest] = []
    private var closed = 0

    var requests: [RecordedRequest] { lock.withLock { stored } }
    var closedConnections: Int { lock.withLock { closed } }

    /// Records the request and returns its position in the script.
    func append(_ request: RecordedRequest) -> Int {
        lock.withLock {
            stored.append(request)
            return stored.count - 1
        }
    }

    func connectionClosed() { lock.withLock { closed += 1 } }
}
