import CoreMetrics
import Foundation
import NIOConcurrencyHelpers
import Prometheus
import Sandbox
import Vapor

/// One app's metrics: swift-metrics handles on a Prometheus registry of its own (the test
/// process builds many apps, and the global `MetricsSystem` can be bootstrapped only once
/// per process). Gauges whose truth lives elsewhere — the sandbox pool, the build queue,
/// the database pool — are read by samplers when `/metrics` is scraped.
final class AppMetrics: Sendable {
    /// One gauge series and how to read its value at scrape time; nil leaves the last value.
    struct Sampler: Sendable {
        let name: String
        let read: @Sendable (Application) async -> [(labels: [(String, String)], value: Double)]
    }

    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusHelpFactory
    private let samplers = NIOLockedValueBox<[Sampler]>([])
    /// The handles of every series a request or a tool call has touched, so the hot path looks them up in one
    /// small dictionary instead of building each series' name and asking the registry under its lock, four
    /// times per call. Bounded: routes are patterns, statuses and outcomes a short list.
    private let requestSeries = NIOLockedValueBox<[RequestSeries: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    private let toolCallSeries = NIOLockedValueBox<[String: (CoreMetrics.Counter, CoreMetrics.Timer)]>([:])
    private let sandboxQueueWait: CoreMetrics.Timer

    private struct RequestSeries: Hashable {
        let method: String
        let route: String
        let status: UInt
    }

    init() {
        factory = PrometheusHelpFactory(registry: registry)
        sandboxQueueWait = CoreMetrics.Timer(label: MetricCatalog.sandboxQueueWait, factory: factory)
    }

    func requestAnswered(method: String, route: String, status: UInt, duration: Duration) {
        let key = RequestSeries(method: method, route: route, status: status)
        let (counter, timer) = requestSeries.withLockedValue { series in
            if let handles = series[key] { return handles }
            let dimensions = [("method", method), ("route", route), ("status", String(status))]
            let handles = (CoreMetrics.Counter(label: MetricCatalog.httpRequests, dimensions: dimensions, factory: factory),
                           CoreMetrics.Timer(label: MetricCatalog.httpRequestDuration, dimensions: dimensions, factory: factory))
            series[key] = handles
            return handles
        }
        counter.increment()
        timer.recordNanoseconds(duration.nanoseconds)
    }

    /// `outcome` is the one `ToolInvoker` records with the call; `failure` the sandbox's, if any.
    func toolCalled(outcome: String, failure: SandboxFailure?, milliseconds: Double) {
        let (counter, timer) = toolCallSeries.withLockedValue { series in
            if let handles = series[outcome] { return handles }
            let dimensions = [("outcome", outcome)]
            let handles = (CoreMetrics.Counter(label: MetricCatalog.toolCalls, dimensions: dimensions, factory: factory),
                           CoreMetrics.Timer(label: MetricCatalog.toolCallDuration, dimensions: dimensions, factory: factory))
            series[outcome] = handles
            return handles
        }
        counter.increment()
        timer.recordNanoseconds(Int64(milliseconds * 1_000_000))
        if let failure, failure.killsWorker {
            CoreMetrics.Counter(label: MetricCatalog.sandboxWorkerKills, dimensions: [("reason", failure.code)], factory: factory).increment()
        }
    }

    /// How long a call that reached the sandbox pool waited for a free worker.
    func sandboxWaited(milliseconds: Double) {
        sandboxQueueWait.recordNanoseconds(Int64(milliseconds * 1_000_000))
    }

    func buildFinished(outcome: String, duration: Duration) {
        CoreMetrics.Timer(label: MetricCatalog.buildDuration, dimensions: [("outcome", outcome)], factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    func draftFinished(provider: String, outcome: String, duration: Duration?) {
        let dimensions = [("provider", provider), ("outcome", outcome)]
        CoreMetrics.Counter(label: MetricCatalog.drafts, dimensions: dimensions, factory: factory).increment()
        if let duration {
            CoreMetrics.Timer(label: MetricCatalog.draftDuration, dimensions: dimensions, factory: factory).recordNanoseconds(duration.nanoseconds)
        }
    }

    /// Adds a gauge read at every scrape.
    func sample(_ name: String, _ read: @escaping @Sendable (Application) async -> [(labels: [(String, String)], value: Double)]) {
        samplers.withLockedValue { $0.append(Sampler(name: name, read: read)) }
    }

    /// The Prometheus text exposition, after reading every sampled gauge.
    func scrape(_ app: Application) async -> String {
        for sampler in samplers.withLockedValue({ $0 }) {
            for series in await sampler.read(app) {
                CoreMetrics.Gauge(label: sampler.name, dimensions: series.labels, factory: factory).record(series.value)
            }
        }
        return registry.emitToString()
    }
}

extension Duration {
    var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}

extension SandboxFailure {
    /// Failures after which the pool killed the worker running the call (or found it dead)
    /// and starts another. A CPU limit is usually enforced inside the engine, which keeps
    /// the worker, so it is not counted here; the monitor's rare kill at twice the limit
    /// looks the same from outside.
    var killsWorker: Bool {
        switch self {
        case .wallClockLimit, .memoryLimit, .workerCrashed, .forbiddenSystemCall, .cancelled: true
        case .thrown, .syntax, .invalidResult, .neverSettled, .cpuLimit, .tooManyFetches, .responseTooLarge,
             .resultTooLarge, .overloaded, .workerUnavailable: false
        }
    }
}
