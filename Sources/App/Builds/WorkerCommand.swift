import Dispatch
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// `bmm worker`: runs builds from the shared queue without serving HTTP, for
/// deployments that keep build work off the web instances.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Run the builds queued now, then exit.")
        var once: Bool
    }

    var help: String { "Runs queued builds (validate, scan, compile, activate) until stopped." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let runner = BuildRunner(app: context.application)
        if signature.once {
            try await runner.drain()
            return
        }
        context.console.info("Running builds; stop with Ctrl-C or SIGTERM.")
        let loop = Task { await runner.loop() }
        await Self.terminationSignal()
        // Like `serve`: no new builds, the one in progress gets the grace period, then fails.
        loop.cancel()
        await runner.stop(within: context.application.config.shutdownGrace)
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
