import NIOConcurrencyHelpers
import Vapor

/// The first step of stopping `serve` (registered last, so it runs first): stop accepting
/// connections and let the requests in flight — tool calls included — finish, up to
/// `BMM_SHUTDOWN_GRACE_SECONDS`. Only then do the later steps run: the build runner fails
/// what it cannot finish, the call log is flushed and the sandbox workers stop.
struct GracefulShutdown: LifecycleHandler {
    func shutdownAsync(_ application: Application) async {
        // Only `serve` starts the HTTP server; other commands have nothing to drain.
        guard application.running != nil else { return }
        let grace = application.config.shutdownGrace.components.seconds
        application.logger.notice("shutting down: no new connections; requests in flight get up to \(grace) s")
        application.stopping.begin()
        // Change notification streams stay open for ever; they end now so they do not hold the drain.
        await application.hosting.toolLists.shutdown()
        await application.server.shutdown()
    }
}

/// Set once shutdown begins, for responses that would otherwise stay open for minutes (the
/// live call log): they end, and the client reconnects to another instance.
final class StoppingFlag: Sendable {
    private let stopping = NIOLockedValueBox(false)

    var isStopping: Bool { stopping.withLockedValue { $0 } }

    func begin() { stopping.withLockedValue { $0 = true } }
}

extension Application {
    private struct StoppingKey: StorageKey {
        typealias Value = StoppingFlag
    }

    var stopping: StoppingFlag {
        get { configured(StoppingKey.self) }
        set { storage[StoppingKey.self] = newValue }
    }
}
