import Fluent
import Logging
import NIOConcurrencyHelpers
import Vapor

extension Application {
    private struct MetricsKey: StorageKey {
        typealias Value = AppMetrics
    }

    private struct LogSinkKey: StorageKey {
        typealias Value = NIOLockedValueBox<LogSink>
    }

    /// This app's metrics, set up by `configure`.
    var metrics: AppMetrics {
        get { configured(MetricsKey.self) }
        set { storage[MetricsKey.self] = newValue }
    }

    /// Where JSON log lines go (standard output unless a test captures them).
    var logSink: LogSink {
        get { logSinkBox.withLockedValue { $0 } }
        set { logSinkBox.withLockedValue { $0 = newValue } }
    }

    /// The app's logger reads it on every line, so a test can capture lines after `configure`.
    private var logSinkBox: NIOLockedValueBox<LogSink> {
        if let box = storage[LogSinkKey.self] { return box }
        let box = NIOLockedValueBox(LogSink.standardOutput)
        storage[LogSinkKey.self] = box
        return box
    }

    /// Metrics and, with `BMM_LOG_FORMAT=json`, JSON logs for the app's own logger.
    /// The gauges sampled at scrape time are added here.
    func configureObservability(_ config: AppConfig) {
        metrics = AppMetrics()
        if config.logFormat == .json {
            let level = logger.logLevel
            let box = logSinkBox
            logger = Logger(label: logger.label) { _ in
                JSONLogHandler(sink: LogSink { line in box.withLockedValue { $0 }.write(line) }, level: level)
            }
        }
        let workers = config.sandboxWorkers
        metrics.sample(MetricCatalog.sandboxWorkers) { app in
            let pool = await app.hosting.sandbox.statistics()
            return [(labels: [("state", "configured")], value: Double(workers)),
                    (labels: [("state", "busy")], value: Double(pool.busy)),
                    (labels: [("state", "idle")], value: Double(pool.idle))]
        }
        metrics.sample(MetricCatalog.sandboxQueuedCalls) { app in
            [(labels: [], value: Double(await app.hosting.sandbox.statistics().queued))]
        }
        metrics.sample(MetricCatalog.buildsQueued) { app in
            guard let queued = try? await Build.query(on: app.db).filter(\.$status == .queued).count() else { return [] }
            return [(labels: [], value: Double(queued))]
        }
        metrics.sample(MetricCatalog.emailsQueued) { app in
            guard let all = try? await QueuedEmail.query(on: app.db).count(),
                  let givenUp = try? await QueuedEmail.query(on: app.db).filter(\.$givenUpAt != nil).count() else { return [] }
            return [(labels: [("state", "waiting")], value: Double(all - givenUp)),
                    (labels: [("state", "given_up")], value: Double(givenUp))]
        }
        metrics.sample(MetricCatalog.databaseConnectionWait) { app in
            let started = ContinuousClock.now
            let waited = try? await app.db.withConnection { connection in
                connection.eventLoop.makeSucceededFuture(ContinuousClock.now - started)
            }.get()
            guard let waited else { return [] }
            return [(labels: [], value: Double(waited / .microseconds(1)) / 1_000_000)]
        }
    }
}
