import Core
import Foundation
import Testing
@testable import Sandbox

/// Pools of real worker processes. `swift build` puts bmm-sandbox-worker next to the
/// test runner, which is where `SandboxPool.defaultWorkerExecutable()` looks.
func withPool<T>(
    workers: Int = 1,
    maxQueuedCalls: Int = 256,
    queueSeconds: Double = 60,
    recycleAfterCalls: Int = 1000,
    isolation: SandboxIsolation = .shared,
    jit: Bool = false,
    testHooks: Bool = false,
    warmRealms: Bool = true,
    _ body: (SandboxPool) async throws -> T
) async throws -> T {
    let path = SandboxPool.defaultWorkerExecutable()
    try #require(
        FileManager.default.isExecutableFile(atPath: path),
        "bmm-sandbox-worker is missing at \(path): run `swift build --build-tests` before `swift test`"
    )
    var containment = SandboxContainment(jit: jit)
    containment.testHooks = testHooks
    let pool = try SandboxPool(configuration: .init(
        workerExecutable: path,
        workers: workers,
        maxQueuedCalls: maxQueuedCalls,
        queueSeconds: queueSeconds,
        recycleAfterCalls: recycleAfterCalls,
        containment: containment,
        isolation: isolation,
        warmRealms: warmRealms
    ))
    do {
        let result = try await body(pool)
        await pool.shutdown()
        return result
    } catch {
        await pool.shutdown()
        throw error
    }
}

extension SandboxPool {
    func run(
        _ implementation: String,
        arguments: JSONValue = [:],
        secrets: [String: String] = [:],
        limits: SandboxLimits = .patient,
        workspace: String? = nil,
        server: String? = nil,
        version: String? = nil,
        fetcher: any SandboxFetcher = OfflineFetcher()
    ) async -> SandboxOutcome {
        await run(SandboxCall(implementation: implementation, arguments: arguments, secrets: secrets, limits: limits, workspace: workspace,
                              server: server, version: version),
                  fetcher: fetcher)
    }

    /// A server's first call: it runs in a fresh context, and the pool admits the server's realm on
    /// its next call (`RealmAdmission`), which builds the realm and has the worker keep it.
    func admitRealm(secrets: [String: String] = [:], limits: SandboxLimits = .patient, workspace: String, server: String, version: String,
                    sourceLocation: SourceLocation = #_sourceLocation) async {
        let outcome = await run("globalThis.seen = true\nreturn 'seen'", secrets: secrets, limits: limits, workspace: workspace, server: server,
                                version: version)
        #expect(outcome.value == "seen", sourceLocation: sourceLocation)
    }

    /// Waits (without a time limit of its own: the test's is enough) until the pool's
    /// figures satisfy `condition`.
    func waitUntil(_ condition: (SandboxPoolStatistics) -> Bool) async {
        while !condition(statistics()) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}

extension SandboxLimits {
    /// The standard limits with a wall clock a loaded test machine cannot reach: a test of
    /// anything else must not fail because every core was busy when it ran.
    static let patient: SandboxLimits = {
        var limits = SandboxLimits.standard
        limits.wallMilliseconds = 60_000
        return limits
    }()
}

extension SandboxOutcome {
    var value: JSONValue? { try? result.get() }

    var failure: SandboxFailure? {
        if case .failure(let failure) = result { return failure }
        return nil
    }
}

extension Result<Void, SandboxFailure> {
    var succeeded: Bool {
        if case .success = self { return true }
        return false
    }

    var failure: SandboxFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}

/// For calls that must not reach the network.
struct OfflineFetcher: SandboxFetcher {
    func fetch(_ request: SandboxFetchRequest) async -> SandboxFetchResponse {
        .failed("no network in this test")
    }
}

/// Answers from a closure and records every request it was asked to perform.
final class RecordingFetcher: SandboxFetcher {
    private let recorded = LockedBox<[SandboxFetchRequest]>([])
    private let respond: @Sendable (SandboxFetchRequest) async -> SandboxFetchResponse

    init(_ respond: @escaping @Sendable (SandboxFetchRequest) async -> SandboxFetchResponse) {
        self.respond = respond
    }

    var requests: [SandboxFetchRequest] { recorded.value }

    func fetch(_ request: SandboxFetchRequest) async -> SandboxFetchResponse {
        recorded.mutate { $0.append(request) }
        return await respond(request)
    }

    /// 200 with a JSON body echoing the request.
    static func echo() -> RecordingFetcher {
        RecordingFetcher { request in
            let body = #"{"url":\#(quoted(request.url)),"method":\#(quoted(request.method)),"body":\#(quoted(String(decoding: request.body ?? [], as: UTF8.self)))}"#
            return .completed(SandboxHTTPResponse(
                status: 200,
                statusText: "OK",
                headers: [SandboxHeader(name: "Content-Type", value: "application/json"), SandboxHeader(name: "X-Trace", value: "a")],
                body: Array(body.utf8),
                finalURL: request.url
            ))
        }
    }

    private static func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}

final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) {
        stored = value
    }

    var value: Value { lock.withLock { stored } }

    func mutate<R>(_ body: (inout Value) -> R) -> R {
        lock.withLock { body(&stored) }
    }
}

/// Holds every request until `count` have arrived, so it only completes if that many
/// calls are in flight at once.
final class RendezvousFetcher: SandboxFetcher {
    private let count: Int
    private let arrived = LockedBox<(count: Int, waiting: [CheckedContinuation<Void, Never>])>((0, []))

    init(count: Int) {
        self.count = count
    }

    func fetch(_ request: SandboxFetchRequest) async -> SandboxFetchResponse {
        await withCheckedContinuation { continuation in
            let release = arrived.mutate { state -> [CheckedContinuation<Void, Never>] in
                state.count += 1
                state.waiting.append(continuation)
                guard state.count >= count else { return [] }
                defer { state.waiting = [] }
                return state.waiting
            }
            release.forEach { $0.resume() }
        }
        return .completed(SandboxHTTPResponse(status: 200, body: Array("met".utf8), finalURL: request.url))
    }
}

/// Never answers until `open()` is called.
final class GateFetcher: SandboxFetcher {
    private let state = LockedBox<(isOpen: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))
    let started = LockedBox(0)

    func fetch(_ request: SandboxFetchRequest) async -> SandboxFetchResponse {
        started.mutate { $0 += 1 }
        await withCheckedContinuation { continuation in
            let resumeNow = state.mutate { state -> Bool in
                if state.isOpen { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return .completed(SandboxHTTPResponse(status: 204, finalURL: request.url))
    }

    func open() {
        state.mutate { state -> [CheckedContinuation<Void, Never>] in
            state.isOpen = true
            defer { state.waiting = [] }
            return state.waiting
        }.forEach { $0.resume() }
    }

    func waitUntilStarted(_ count: Int = 1) async {
        while started.value < count {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
