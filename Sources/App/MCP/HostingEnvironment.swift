import Egress
import Foundation
import Sandbox
import Vapor

/// What hosted servers run on, built once in `configure`: the sandbox pool, the
/// egress guard and the operator's extra address ranges.
struct HostingEnvironment: Sendable {
    let sandbox: SandboxPool
    let egress: EgressClient
    let extraAllowedCIDRs: [CIDR]
    var limits: SandboxLimits = .standard
    /// Wakes the build runner when a build is queued, so it does not wait for its next poll.
    let buildSignal: WakeSignal
    let calls: CallRecorder
    let contexts: ServerContextCache
    /// Open list-changed streams and the watch on their servers' live versions.
    let toolLists: ToolListWatch
    /// 2025-era calls running here, for `notifications/cancelled`.
    let inFlight = MCPInFlightCalls()
    /// Tool calls admitted per token and per server in the current minute.
    let toolCalls: ToolCallCounter
    /// Each workspace's tool calls this quota period, against the plan's monthly allowance.
    let monthlyCalls = MonthlyToolCalls()
}

extension Application {
    private struct HostingKey: StorageKey {
        typealias Value = HostingEnvironment
    }

    var hosting: HostingEnvironment {
        get { configured(HostingKey.self) }
        set { storage[HostingKey.self] = newValue }
    }

    /// Starts the sandbox pool and the egress client; the pool's workers start on first use.
    func configureHosting(_ config: AppConfig) throws {
        let ranges: [CIDR]
        do {
            ranges = config.egressAllowCIDRs.isEmpty ? [] : try CIDR.parseList(config.egressAllowCIDRs)
        } catch {
            throw ConfigError(problems: ["BMM_EGRESS_ALLOW_CIDRS: `\(error.entry)` \(error.reason)"])
        }
        let pool: SandboxPool
        do {
            pool = try SandboxPool(configuration: .init(
                workers: config.sandboxWorkers,
                queueSeconds: config.sandboxQueueSeconds,
                containment: SandboxContainment(user: config.sandboxUser, jit: config.sandboxJIT),
                isolation: config.sandboxIsolation,
                warmRealms: config.sandboxWarmRealms
            ))
        } catch {
            throw ConfigError(problems: ["sandbox: \(error.message)"])
        }
        if config.reportsSandbox {
            for mechanism in pool.containment.mechanisms where mechanism.isActive {
                logger.info("sandbox: \(mechanism.name): \(mechanism.detail)")
            }
            for warning in pool.containment.warnings {
                logger.warning("\(warning)")
            }
        }
        callers = CallerCache()
        mcpStreams = MCPOpenStreams()
        hosting = HostingEnvironment(
            sandbox: pool,
            egress: EgressClient(eventLoopGroup: eventLoopGroup),
            extraAllowedCIDRs: ranges,
            buildSignal: WakeSignal(),
            calls: CallRecorder(),
            contexts: ServerContextCache(),
            toolLists: ToolListWatch { [self] servers in try await HostedServer.liveVersions(of: servers, on: db) },
            toolCalls: ToolCallCounter()
        )
        let recorder = Task { [self] in await hosting.calls.run(on: self) }
        let counter = Task { [self] in await hosting.toolCalls.run(on: self) }
        lifecycle.use(HostingLifecycle(recorder: recorder, counter: counter))
    }
}

/// Writes the last call records and tool-call counts and stops the sandbox workers with the app.
private struct HostingLifecycle: LifecycleHandler {
    let recorder: Task<Void, Never>
    let counter: Task<Void, Never>

    func shutdownAsync(_ application: Application) async {
        await application.hosting.toolLists.shutdown()
        recorder.cancel()
        counter.cancel()
        _ = await recorder.value
        _ = await counter.value
        await application.hosting.sandbox.shutdown()
    }
}
