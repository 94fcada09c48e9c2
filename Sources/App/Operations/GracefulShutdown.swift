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
        // Change notification streams stay open for ever; they end now so they do not hold the drain.
        await application.hosting.toolLists.shutdown()
        await application.server.shutdown()
    }
}
