import NIOConcurrencyHelpers
import Vapor

/// The first step of stopping `serve` (registered last, so it runs first): stop accepting
/// connections and let the requests in flight — tool calls included — finish, up to
/// `BMM_SHUTDOWN_GRACE_SECONDS`. A tool call still running then is stopped (its client gets the
/// call's cancelled answer), so every request has answered before the HTTP server's own
/// deadline, `drainMargin` later: one still open then would be cut off mid-answer. Only then do
/// the later steps run: the build runner fails what it cannot finish, the call log is flushed
/// and the sandbox workers stop.
struct GracefulShutdown: LifecycleHandler {
    /// How long after the grace period the requests whose calls were stopped get to answer.
    static let drainMargin: Duration = .seconds(10)

    func shutdownAsync(_ application: Application) async {
        // Only `serve` starts the HTTP server; other commands have nothing to drain.
        guard application.running != nil else { return }
        let grace = application.config.shutdownGrace
        application.logger.notice("shutting down: no new connections; requests in flight get up to \(grace.components.seconds) s")
        application.stopping.begin()
        // Change notification streams stay open for ever; they end now so they do not hold the drain.
        await application.hosting.toolLists.shutdown()
        let deadline = Task {
            try? await Task.sleep(for: grace)
            guard !Task.isCancelled else { return }
            await application.hosting.sandbox.shutdown()
        }
        await application.server.shutdown()
        deadline.cancel()
    }
}

/// Set once shutdown begins, for responses that would otherwise stay open for minutes (the
/// live call log): they end, and the client reconnects to another instance.
final class StoppingFlag: Sendable {
    private let began = NIOLockedValueBox<ContinuousClock.Instant?>(nil)

    var isStopping: Bool { began.withLockedValue { $0 != nil } }

    func begin() { began.withLockedValue { $0 = $0 ?? .now } }

    /// What is left of `grace` since the shutdown began (all of it before then): the build runner's share, which it
    /// spends beside the HTTP drain, not after it.
    func remaining(of grace: Duration) -> Duration {
        guard let began = began.withLockedValue({ $0 }) else { return grace }
        return max(.zero, grace - (ContinuousClock.now - began))
    }
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
