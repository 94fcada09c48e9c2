import Core
import Egress
import Fluent
import Foundation
import Sandbox
import Vapor

/// Runs one `tools/call` on a server's active version: arguments checked against
/// the tool's schema first, then the implementation in the sandbox with the
/// server's secrets and allowed domains. Every call is recorded (without its
/// arguments or result).
struct ToolInvoker: Sendable {
    let hosting: HostingEnvironment
    let clock: AppClock
    let server: HostedServer
    let spec: ServerSpec
    /// The warm realm its calls may share in the sandbox: the active version `spec` belongs to, as this instance
    /// loaded it (`ServerContextCache.Entry.realm`).
    let realm: String
    /// From the server's cached call context (`ServerContextCache`).
    let secrets: [String: String]
    let plan: Plan
    /// What the negotiated protocol revision allows in `structuredContent`.
    var structured: ToolResult.StructuredContent = .objectsOnly
    /// Counts the call by outcome, and the worker if the call killed it.
    var metrics: AppMetrics?
    /// The calling request's trace, passed on to the tool's fetches as `traceparent`.
    var trace: TraceContext?

    enum Failure: Error {
        case unknownTool(String)
        /// Every sandbox worker stayed busy past the queue's deadline: the tool did not run.
        case overloaded(retryAfterSeconds: Int)
    }

    struct Outcome: Sendable {
        /// The `CallToolResult` object.
        let result: JSONValue
        let logs: [String]
        let durationMilliseconds: Double
        let isError: Bool
    }

    /// `onProgress` receives the tool's `ctx.progress` reports as they happen. Cancelling the
    /// calling task stops the sandbox call at once (its worker is replaced, or its place in
    /// the queue given up) and records it as `cancelled`. Throws `Failure.overloaded` when no
    /// worker came free in time: that is no tool result, the endpoint answers 503.
    /// `onStart` is told when a worker takes the call (its queueing is over).
    func call(_ name: String, arguments: JSONValue?, onProgress: (@Sendable (SandboxProgress) -> Void)? = nil,
              onStart: (@Sendable () -> Void)? = nil) async throws -> Outcome {
        guard let tool = spec.tools.first(where: { $0.name == name }) else { throw Failure.unknownTool(name) }
        let started = ContinuousClock.now
        let arguments = arguments ?? .object([:])
        let bytesIn = SpecJSON.compact(arguments).utf8.count
        var problems = JSONSchema.validate(arguments, against: tool.inputSchema)
        // The code gets the arguments with the schema's defaults filled in, and those are checked too: a default
        // taken from an `allOf` branch, or one that makes a `oneOf` match twice, must not reach it unchecked.
        var filled = arguments
        var defaultsBreakSchema = false
        if problems.isEmpty {
            let defaults = JSONSchema.fillingDefaults(in: arguments, schema: tool.inputSchema)
            filled = defaults.value
            if defaults.filled {
                problems = JSONSchema.validate(filled, against: tool.inputSchema)
                defaultsBreakSchema = !problems.isEmpty
            }
        }
        if !problems.isEmpty {
            let message = defaultsBreakSchema
                ? Self.invalidArguments(problems.map(\.description), lead: "The tool's inputSchema fills in defaults that break it: ")
                : Self.invalidArguments(problems.map(\.description))
            let outcome = Outcome(result: Self.errorResult(message), logs: [], durationMilliseconds: Self.elapsed(since: started), isError: true)
            try await record(name, outcome: "invalid_arguments", error: message, bytesIn: bytesIn, result: outcome)
            return outcome
        }
        var limits = hosting.limits
        limits.cpuMilliseconds = plan.toolCPUMilliseconds
        limits.wallMilliseconds = plan.toolWallMilliseconds
        let policy = EgressPolicy(allowedDomains: spec.allowedDomains, extraAllowedCIDRs: hosting.extraAllowedCIDRs,
                                  maxResponseBytes: hosting.limits.maxResponseBytes)
        var sandboxCall = SandboxCall(implementation: tool.implementation, arguments: filled,
                        secrets: secrets, limits: limits, workspace: server.$organization.id.uuidString, server: server.id?.uuidString,
                                      version: realm)
        sandboxCall.onProgress = onProgress
        sandboxCall.onStart = onStart
        let sandboxed = await hosting.sandbox.run(sandboxCall, fetcher: EgressFetcher(client: hosting.egress, policy: policy, secretValues: Array(secrets.values), trace: trace))
        metrics?.sandboxWaited(milliseconds: sandboxed.queuedMilliseconds)
        if case .failure(.overloaded(let seconds)) = sandboxed.result {
            let outcome = Outcome(result: Self.errorResult(SandboxFailure.overloaded(retryAfterSeconds: seconds).message), logs: [],
                                  durationMilliseconds: Self.elapsed(since: started), isError: true)
            try await record(name, outcome: "overloaded", error: nil, bytesIn: bytesIn, result: outcome)
            throw Failure.overloaded(retryAfterSeconds: seconds)
        }
        let outcome: Outcome
        let recorded: (String, String?)
        switch sandboxed.result {
        case .success(let value):
            switch ToolResult.success(value, isContent: sandboxed.isContent, outputSchema: tool.outputSchema, structured: structured) {
            case .success(let result):
                outcome = Outcome(result: result, logs: sandboxed.logs, durationMilliseconds: sandboxed.durationMilliseconds, isError: false)
                recorded = ("ok", nil)
            case .failure(let error):
                // The code ran, but what it returned breaks the tool's declared output.
                outcome = Outcome(result: Self.errorResult(error.message), logs: sandboxed.logs, durationMilliseconds: sandboxed.durationMilliseconds, isError: true)
                recorded = ("invalid_result", error.message)
            }
        case .failure(let failure):
            outcome = Outcome(result: Self.errorResult(failure.message), logs: sandboxed.logs, durationMilliseconds: sandboxed.durationMilliseconds, isError: true)
            switch failure {
            case .thrown: recorded = ("tool_error", failure.message)
            case .cancelled: recorded = ("cancelled", nil)
            default: recorded = ("failed", failure.message)
            }
        }
        try await record(name, outcome: recorded.0, error: recorded.1, bytesIn: bytesIn, result: outcome, failure: Self.failure(of: sandboxed.result))
        return outcome
    }

    static func errorResult(_ message: String) -> JSONValue {
        ToolResult.error(message)
    }

    private static func failure(of result: Result<JSONValue, SandboxFailure>) -> SandboxFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }

    /// The first problems, and how many more there are: a caller fixing one field at a time would
    /// otherwise meet the rest one by one.
    static func invalidArguments(_ problems: [String], shown: Int = 5, lead: String = "Invalid arguments: ") -> String {
        let more = problems.count > shown ? "; and \(problems.count - shown) more" : ""
        return lead + problems.prefix(shown).joined(separator: "; ") + more
    }

    static func elapsed(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    private func record(_ tool: String, outcome: String, error: String?, bytesIn: Int, result: Outcome, failure: SandboxFailure? = nil) async throws {
        metrics?.toolCalled(outcome: outcome, failure: failure, milliseconds: result.durationMilliseconds)
        let call = ToolCallEntry(
            serverID: server.id!, organizationID: server.$organization.id, tool: tool, at: clock.now(),
            durationMilliseconds: result.durationMilliseconds, outcome: outcome, errorMessage: error.map { String($0.prefix(500)) },
            bytesIn: bytesIn, bytesOut: SpecJSON.compact(result.result).utf8.count)
        hosting.calls.add(call)
        hosting.monthlyCalls.settled(organization: server.$organization.id)
    }
}
