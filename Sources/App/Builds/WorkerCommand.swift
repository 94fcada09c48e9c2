import Dispatch
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// `bmm worker`: runs builds from the shared queue without serving HTTP, for
/// deployments that keep build work off the web instances.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Run the builds queued now, then exit.")
        var once: Bool
        @Option(name: "metrics-port", help: "Serve /metrics, /healthz and /readyz on 127.0.0.1:PORT (builds run here are measured only here).")
        var metricsPort: Int?
    }

    var help: String { "Runs queued builds (validate, scan, compile, activate) until stopped." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let runner = BuildRunner(app: app)
        if signature.once {
            try await runner.drain()
            return
        }
        if let port = signature.metricsPort {
            guard (1...65535).contains(port) else { throw OperationError("--metrics-port must be a port number from 1 to 65535") }
            do {
                try await Self.serveProbes(app, port: port)
            } catch let error as IOError where error.errnoCode == EADDRINUSE {
                // StartupFailure would name serve's BMM_PORT, which means nothing here.
                throw OperationError("port \(port) on 127.0.0.1 is already in use; stop what listens there or choose another with --metrics-port")
            }
            context.console.info("Serving /metrics, /healthz and /readyz on 127.0.0.1:\(port).")
        }
        context.console.info("Running builds; stop with Ctrl-C or SIGTERM.")
        let loop = Task { await runner.loop() }
        await Self.terminationSignal()
        // Like `serve`: no new builds, the one in progress gets the grace period, then fails.
        loop.cancel()
        await runner.stop(within: app.config.shutdownGrace)
        if signature.metricsPort != nil {
            await app.server.shutdown()
        }
    }

    /// The worker's build durations live in its own process; a scraper reads them here.
    /// Only the probe routes answer: the worker is not a web instance.
    private static func serveProbes(_ app: Application, port: Int) async throws {
        app.middleware.use(ProbesOnlyMiddleware(), at: .beginning)
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = port
        // The async start: the synchronous one waits on a future, which traps on an event loop, where bmm runs
        // Swift concurrency.
        try await app.server.start(address: nil)
    }

    /// Returns when the process gets SIGTERM or SIGINT.
    private static func terminationSignal() async {
        let queue = DispatchQueue(label: "bmm.worker.signals")
        let sources = NIOLockedValueBox<[any DispatchSourceSignal]>([])
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = NIOLockedValueBox(Optional(continuation))
            for code in [SIGTERM, SIGINT] {
                let source = DispatchSource.makeSignalSource(signal: code, queue: queue)
                source.setEventHandler { once.withLockedValue { $0.take() }?.resume() }
                source.resume()
                sources.withLockedValue { $0.append(source) }
            }
        }
        sources.withLockedValue { $0.forEach { $0.cancel() } }
    }
}

/// 404 for everything but the probes and `/metrics`.
private struct ProbesOnlyMiddleware: AsyncMiddleware {
    static let paths: Set<String> = [SiteRoute.metrics.path, SiteRoute.healthz.path, SiteRoute.readyz.path]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Answered here: this middleware runs before the error page one, so a thrown Abort would drop the connection.
        guard Self.paths.contains(request.url.path) else { return Response(status: .notFound, body: .init(string: "Not found\n")) }
        return try await next.respond(to: request)
    }
}
