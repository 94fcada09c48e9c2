import Vapor

extension Application {
    /// Runs `body` until shutdown, which cancels it and waits for it to end (the database it
    /// uses closes after lifecycle handlers have run).
    func runInBackground(_ body: @escaping @Sendable () async -> Void) {
        lifecycle.use(BackgroundTaskLifecycle(task: Task(operation: body)))
    }
}

private struct BackgroundTaskLifecycle: LifecycleHandler {
    let task: Task<Void, Never>

    func shutdownAsync(_ application: Application) async {
        task.cancel()
        _ = await task.value
    }
}
