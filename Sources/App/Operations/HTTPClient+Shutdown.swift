import AsyncHTTPClient

extension HTTPClient {
    /// For a `Storage` shutdown closure. The app's async shutdown runs those closures on an event loop (bmm runs
    /// Swift concurrency's jobs on NIO's loops), where `syncShutdown()` must not block and traps. This starts
    /// the shutdown without waiting for it; the client keeps itself alive until its connections are closed.
    func shutdownWithoutWaiting() {
        shutdown().whenComplete { _ in }
    }
}
