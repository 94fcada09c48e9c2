import Vapor

extension Application {
    /// Renews the server contexts in use twice per cache lifetime until shutdown (`serve`
    /// only), so a call to a server in use finds its context checked and never waits on its
    /// own stamp query; many servers cost a few batched queries per interval instead of one
    /// query per call. After a failure (the database away) it waits longer before trying again.
    func startServerContextRefresh() {
        runInBackground { [self] in
            var pause = max(hosting.contexts.lifetime / 2, .milliseconds(50))
            while !Task.isCancelled {
                try? await Task.sleep(for: pause)
                let contexts = hosting.contexts
                pause = max(contexts.lifetime / 2, .milliseconds(50))
                do {
                    try await contexts.refresh(on: db)
                } catch is CancellationError {
                    return
                } catch {
                    logger.reportSafely(error)
                    pause = .seconds(5)
                }
            }
        }
    }
}
