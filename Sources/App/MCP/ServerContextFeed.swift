import SQLKit
import Vapor

extension Application {
    /// How long `context_changes` keeps a row. A reader that could not read for half this
    /// long starts a new run of reads rather than trust a cursor whose rows may be gone.
    static let contextChangeRetention: TimeInterval = 3_600

    /// Reads the change feed twice per cache lifetime until shutdown (`serve` only) and applies
    /// what it says to the server context cache (`ServerContextCache`): one small query per read
    /// however many servers are cached or called, and no query on a call. Prunes the feed once
    /// a minute. After a failure (the database away) it waits longer before trying again;
    /// meanwhile entries fall back to checking themselves.
    func startServerContextFeed() {
        guard let sql = db as? any SQLDatabase else { return }
        runInBackground { [self] in
            var feed = ContextChangeFeed(database: sql)
            var lastRead: ContinuousClock.Instant?
            var lastPrune: ContinuousClock.Instant?
            var fed: ObjectIdentifier?
            while !Task.isCancelled {
                let contexts = hosting.contexts
                var pause = max(contexts.lifetime / 2, .milliseconds(50))
                do {
                    let started = ContinuousClock.now
                    if let lastRead, started - lastRead < .seconds(Self.contextChangeRetention / 2) {
                        // A cache put in place since the last read (tests do) starts its run of reads here.
                        if fed != ObjectIdentifier(contexts) { contexts.feedBegan(at: started) }
                        contexts.apply(try await feed.poll(), readAt: started)
                    } else {
                        try await feed.begin()
                        contexts.feedBegan(at: .now)
                    }
                    fed = ObjectIdentifier(contexts)
                    lastRead = started
                    if lastPrune.map({ started - $0 > .seconds(60) }) ?? true {
                        try await ContextChangeFeed.prune(before: Date().addingTimeInterval(-Self.contextChangeRetention), on: sql)
                        lastPrune = started
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.reportSafely(error)
                    pause = .seconds(5)
                }
                try? await Task.sleep(for: pause)
            }
        }
    }
}
